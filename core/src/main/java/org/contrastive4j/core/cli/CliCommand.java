package org.contrastive4j.core.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One subcommand of a command-line tool: its options, and what it does with them. */
public interface CliCommand {

    /** The word that selects this command, e.g. {@code embed}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The command's options ({@code --help} and {@code --verbose} are added by {@link CliRunner}). */
    Options options();

    /**
     * Runs the command. Throw {@link CliException} (or {@link IllegalArgumentException}, {@link java.io.IOException})
     * for bad input: the runner prints its message on one line and exits non-zero.
     *
     * @return the process exit code
     */
    int run(CommandLine line) throws Exception;
}
