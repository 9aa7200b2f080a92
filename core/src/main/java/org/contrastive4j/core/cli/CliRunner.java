package org.contrastive4j.core.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * Dispatches {@code tool <command> [options]} to a {@link CliCommand}, prints help, and turns every failure into one
 * line on stderr and a non-zero exit code (with the stack trace only under {@code --verbose}).
 */
public final class CliRunner {

    private final String tool;
    private final String description;
    private final Map<String, CliCommand> commands = new LinkedHashMap<>();
    private final PrintStream out;
    private final PrintStream err;

    public CliRunner(String tool, String description, List<CliCommand> commands, PrintStream out, PrintStream err) {
        this.tool = tool;
        this.description = description;
        for (CliCommand c : commands) {
            this.commands.put(c.name(), c);
        }
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) {
        boolean verbose = List.of(args).contains("--verbose");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printToolHelp();
            return args.length == 0 ? 2 : 0;
        }
        CliCommand command = commands.get(args[0]);
        if (command == null) {
            err.println(tool + ": unknown command '" + args[0] + "' (commands: " + String.join(", ", commands.keySet())
                    + "; see " + tool + " --help)");
            return 2;
        }
        Options options = command.options();
        options.addOption(Option.builder().longOpt("help").desc("show this help").build());
        options.addOption(Option.builder().longOpt("verbose").desc("print stack traces on errors").build());
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
                printCommandHelp(command, options);
                return 0;
            }
            CommandLine line = new DefaultParser().parse(options, rest);
            if (!line.getArgList().isEmpty() && !acceptsPositional(command)) {
                throw new CliException("unexpected argument '" + line.getArgList().get(0) + "'");
            }
            return command.run(line);
        } catch (ParseException e) {
            return fail(command, e.getMessage() + " (see " + tool + " " + command.name() + " --help)", e, verbose, 2);
        } catch (CliException e) {
            return fail(command, e.getMessage(), e, verbose, e.exitCode());
        } catch (Exception | OutOfMemoryError | UnsatisfiedLinkError e) {
            return fail(command, describe(e), e, verbose, 1);
        }
    }

    private static boolean acceptsPositional(CliCommand command) {
        return command instanceof PositionalArguments;
    }

    /** Marker for commands that take positional arguments (e.g. {@code golden FILE}). */
    public interface PositionalArguments {}

    private int fail(CliCommand command, String message, Throwable e, boolean verbose, int code) {
        err.println(tool + " " + command.name() + ": " + oneLine(message));
        if (verbose) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            err.print(sw);
        }
        return code == 0 ? 1 : code;
    }

    /** The most informative one-line description of an exception and its causes. */
    public static String describe(Throwable e) {
        String msg = e.getMessage();
        Throwable c = e;
        while ((msg == null || msg.isBlank()) && c.getCause() != null) {
            c = c.getCause();
            msg = c.getMessage();
        }
        String kind = c instanceof java.nio.file.NoSuchFileException ? "no such file: "
                : c instanceof java.nio.file.AccessDeniedException ? "access denied: " : "";
        return kind + (msg == null ? c.getClass().getSimpleName() : msg);
    }

    private static String oneLine(String s) {
        return s == null ? "failed" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private void printToolHelp() {
        out.println("usage: " + tool + " <command> [options]   (" + tool + " <command> --help for its options)");
        out.println(description);
        out.println();
        out.println("commands:");
        for (CliCommand c : commands.values()) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
    }

    private void printCommandHelp(CliCommand command, Options options) {
        HelpFormatter f = new HelpFormatter();
        f.setWidth(110);
        PrintWriter pw = new PrintWriter(out, true);
        f.printHelp(pw, 110, tool + " " + command.name() + " [options]", command.summary(), options, 2, 2, "", true);
        pw.flush();
    }
}
