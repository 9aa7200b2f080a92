package org.contrastive4j.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The one entry point of the toolkit's command line, {@code c4j}: it offers every {@link CliCommand} on the class
 * path. {@code ./c4j} runs it with the whole toolkit; the deployment jar runs it with the inference commands only.
 */
public final class C4j {

    static final String DESCRIPTION = "contrastive4j: train contrastive encoders (DJL), export them to ONNX, embed, "
            + "classify and serve with ONNX Runtime.";

    private C4j() {}

    /** The commands on the class path. */
    public static List<CliCommand> commands() {
        List<CliCommand> commands = new ArrayList<>();
        ServiceLoader.load(CliCommand.class).forEach(commands::add);
        return commands;
    }

    /** The component versions on the class path (for {@code --version}). */
    public static List<ComponentVersions> componentVersions() {
        List<ComponentVersions> versions = new ArrayList<>();
        ServiceLoader.load(ComponentVersions.class).forEach(versions::add);
        return versions;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        System.setProperty("java.awt.headless", "true");
        return new CliRunner("c4j", DESCRIPTION, commands(), componentVersions(), out, err).run(args);
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }
}
