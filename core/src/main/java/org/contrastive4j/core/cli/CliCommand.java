package org.contrastive4j.core.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One subcommand of {@code c4j}: its options, and what it does with them. Implementations are found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/org.contrastive4j.core.cli.CliCommand} of the
 * module that provides them), so every jar offers exactly the commands it carries; they need a public no-argument
 * constructor.
 */
public interface CliCommand {

    /** Where a command is listed in {@code c4j --help}, in this order. */
    enum Group {
        TRAINING("training (DJL + PyTorch)"),
        INFERENCE("inference (ONNX Runtime; the deployment jar's commands)"),
        TOOLS("checks and benchmarks");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** The word that selects this command, e.g. {@code embed}. */
    String name();

    /** One line for the command list. */
    String summary();

    Group group();

    /** The command's options ({@code --help} and {@code --verbose} are added by {@link CliRunner}). */
    Options options();

    /** Whether the command takes positional arguments (e.g. {@code golden FILE}); others refuse them. */
    default boolean takesPositionalArguments() {
        return false;
    }

    /**
     * Runs the command, writing only to the context's streams. Throw {@link CliException} (or
     * {@link IllegalArgumentException}, {@link java.io.IOException}) for bad input: the runner prints its message on
     * one line and exits non-zero.
     *
     * @return the process exit code
     */
    int run(CommandLine line, CliContext context) throws Exception;
}
