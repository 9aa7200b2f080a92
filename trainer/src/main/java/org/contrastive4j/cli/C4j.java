package org.contrastive4j.cli;

import java.util.List;
import org.contrastive4j.inference.cli.CliCommand;
import org.contrastive4j.inference.cli.CliRunner;
import org.contrastive4j.models.DjlRuntime;

/** {@code ./c4j}: the training-side command line (the inference commands run from the deployment jar). */
public final class C4j {

    private C4j() {}

    static List<CliCommand> commands() {
        return List.of(new GoldenCommand());
    }

    public static void main(String[] args) {
        DjlRuntime.offline();
        System.setProperty("java.awt.headless", "true");
        int code = new CliRunner("c4j", "contrastive4j: train contrastive encoders (DJL), export to ONNX, embed and "
                + "classify with ONNX Runtime.", commands(), System.out, System.err).run(args);
        System.exit(code);
    }
}
