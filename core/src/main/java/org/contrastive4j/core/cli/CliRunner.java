package org.contrastive4j.core.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.contrastive4j.core.contract.ToolkitVersion;

/**
 * Dispatches {@code tool <command> [options]} to a {@link CliCommand}, prints help and versions, and turns every
 * failure into one line on stderr and a non-zero exit code (with the stack trace only under {@code --verbose}).
 */
public final class CliRunner {

    private final String tool;
    private final String description;
    private final Map<String, CliCommand> commands = new LinkedHashMap<>();
    private final List<ComponentVersions> versions;
    private final PrintStream out;
    private final PrintStream err;

    public CliRunner(String tool, String description, List<CliCommand> commands, List<ComponentVersions> versions,
            PrintStream out, PrintStream err) {
        this.tool = tool;
        this.description = description;
        List<CliCommand> sorted = new ArrayList<>(commands);
        sorted.sort(Comparator.comparing(CliCommand::group).thenComparing(CliCommand::name));
        for (CliCommand c : sorted) {
            CliCommand previous = this.commands.put(c.name(), c);
            if (previous != null) {
                throw new IllegalStateException("two commands are named '" + c.name() + "': " + previous.getClass().getName()
                        + " and " + c.getClass().getName());
            }
        }
        this.versions = List.copyOf(versions);
        this.out = out;
        this.err = err;
    }

    /** The command names, in help order. */
    public List<String> commandNames() {
        return List.copyOf(commands.keySet());
    }

    public int run(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printToolHelp();
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            printVersions();
            return 0;
        }
        CliCommand command = commands.get(args[0]);
        if (command == null) {
            err.println(tool + ": unknown command '" + args[0] + "' (commands: " + String.join(", ", commands.keySet())
                    + "; see " + tool + " --help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            Options options = command.options();
            options.addOption(Option.builder().longOpt("help").desc("show this help").build());
            options.addOption(Option.builder().longOpt("verbose").desc("print stack traces on errors").build());
            if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
                printCommandHelp(command, options);
                return 0;
            }
            CommandLine line = new DefaultParser().parse(options, rest);
            if (!line.getArgList().isEmpty() && !command.takesPositionalArguments()) {
                throw new CliException("unexpected argument '" + line.getArgList().get(0) + "'");
            }
            return command.run(line, new CliContext(out, err, verbose));
        } catch (ParseException e) {
            return fail(command, e.getMessage() + " (see " + tool + " " + command.name() + " --help)", e, verbose, 2);
        } catch (CliException e) {
            return fail(command, e.getMessage(), e, verbose, e.exitCode());
        } catch (Exception | OutOfMemoryError | UnsatisfiedLinkError | StackOverflowError e) {
            return fail(command, describe(e), e, verbose, 1);
        }
    }

    private int fail(CliCommand command, String message, Throwable e, boolean verbose, int code) {
        out.flush();
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
        if (e instanceof OutOfMemoryError) {
            return "ran out of memory (" + e.getMessage() + "); give the JVM more heap (C4J_JAVA_OPTS=-Xmx8g) or use "
                    + "smaller inputs / batches";
        }
        String msg = e.getMessage();
        Throwable c = e;
        while ((msg == null || msg.isBlank()) && c.getCause() != null) {
            c = c.getCause();
            msg = c.getMessage();
        }
        String kind = c instanceof NoSuchFileException ? "no such file: " : c instanceof AccessDeniedException ? "access denied: " : "";
        return kind + (msg == null ? c.getClass().getSimpleName() : msg);
    }

    private static String oneLine(String s) {
        return s == null ? "failed" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private void printToolHelp() {
        out.println("usage: " + tool + " <command> [options]   (" + tool + " <command> --help for its options; "
                + tool + " --version)");
        out.println(description);
        CliCommand.Group group = null;
        for (CliCommand c : commands.values()) {
            if (c.group() != group) {
                group = c.group();
                out.println();
                out.println(group.title() + ":");
            }
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
        out.flush();
    }

    private void printVersions() {
        out.println("contrastive4j " + ToolkitVersion.get());
        for (ComponentVersions v : versions) {
            try {
                v.versions().forEach((name, version) -> out.println(name + " " + version));
            } catch (RuntimeException | LinkageError e) {
                out.println(v.getClass().getSimpleName() + ": unavailable (" + oneLine(describe(e)) + ")");
            }
        }
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        out.flush();
    }

    private void printCommandHelp(CliCommand command, Options options) {
        HelpFormatter f = new HelpFormatter();
        f.setWidth(110);
        PrintWriter pw = new PrintWriter(out, true);
        f.printHelp(pw, 110, tool + " " + command.name() + " [options]", command.summary(), options, 2, 2, "", true);
        pw.flush();
    }
}
