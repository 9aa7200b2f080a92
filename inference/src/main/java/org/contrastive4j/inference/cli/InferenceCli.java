package org.contrastive4j.inference.cli;

import java.util.List;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliRunner;

/** Main class of the deployment jar: {@code java -jar contrastive4j-inference.jar <command>}. */
public final class InferenceCli {

    private InferenceCli() {}

    public static List<CliCommand> commands() {
        return commands(System.out);
    }

    /** The commands, printing their results to {@code out}. */
    public static List<CliCommand> commands(java.io.PrintStream out) {
        return List.of(new EmbedCommand(out), new IndexCommand(out), new ClassifyCommand(out), new EvaluateCommand(out));
    }

    public static int run(String[] args) {
        return new CliRunner("c4j", "contrastive4j inference (ONNX Runtime): embeddings, k-NN indexes and classification.",
                commands(), System.out, System.err).run(args);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }
}
