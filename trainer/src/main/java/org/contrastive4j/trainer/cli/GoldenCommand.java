package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.losses.golden.GoldenCheck;
import org.contrastive4j.models.DjlRuntime;

/**
 * {@code c4j golden FILE}: checks every loss against a golden file (loss and gradient, float64 and float32). Prints
 * one line per failing case and {@code N passed, M failed}; exit code 0 only if nothing failed.
 */
public final class GoldenCommand implements CliCommand {

    @Override
    public String name() {
        return "golden";
    }

    @Override
    public String summary() {
        return "check the losses against a golden file of reference values: c4j golden FILE";
    }

    @Override
    public boolean takesPositionalArguments() {
        return true;
    }

    @Override
    public Group group() {
        return Group.TOOLS;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        List<String> args = line.getArgList();
        if (args.size() != 1) {
            throw new CliException("expected exactly one golden file: c4j golden FILE (got " + args.size()
                    + " arguments)");
        }
        Path file = Path.of(args.get(0));
        if (!Files.isRegularFile(file)) {
            throw new CliException("no such file: " + file);
        }
        DjlRuntime.engine();
        return GoldenCheck.run(file, out) == 0 ? 0 : 1;
    }
}
