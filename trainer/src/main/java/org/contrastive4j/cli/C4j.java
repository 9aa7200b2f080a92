package org.contrastive4j.cli;

import java.io.PrintStream;
import java.util.List;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliRunner;
import org.contrastive4j.models.DjlRuntime;

/** {@code ./c4j}: the training-side command line (the inference commands run from the deployment jar). */
public final class C4j {

    private C4j() {}

    static List<CliCommand> commands() {
        return List.of(new DemoCommand(), new TrainCommand(), new ExportCommand(), new GoldenCommand(), new BenchCommand(),
                new ReportCommand(), new CompareCommand());
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        DjlRuntime.offline();
        System.setProperty("java.awt.headless", "true");
        return new CliRunner("c4j", "contrastive4j: train contrastive encoders (DJL), export to ONNX, embed and "
                + "classify with ONNX Runtime.", commands(), out, err).run(args);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }
}
