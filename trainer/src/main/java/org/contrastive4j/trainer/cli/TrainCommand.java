package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.trainer.RunDirectory;
import org.contrastive4j.trainer.TrainConfig;
import org.contrastive4j.trainer.Trainer;
import org.contrastive4j.trainer.TrainOptions;
import org.contrastive4j.trainer.TrainingSession;

/** {@code ./c4j train}: the offline training command, a call of {@link Trainer}. */
public final class TrainCommand implements CliCommand {

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train an encoder with a contrastive loss (config file + flags), evaluate, export ONNX, report";
    }

    @Override
    public Group group() {
        return Group.TRAINING;
    }

    @Override
    public Options options() {
        return TrainOptions.options();
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        Trainer.TrainedRun run;
        if (line.hasOption("resume")) {
            if (line.hasOption("overwrite")) {
                throw new CliException("--resume continues a run and --overwrite replaces one: give one of them");
            }
            Path dir = Path.of(line.getOptionValue("resume"));
            RunDirectory.precheck(dir, RunDirectory.Use.RESUME);
            TrainConfig config = TrainOptions.resolveResume(line, TrainingSession.storedConfig(dir));
            run = Trainer.resume(dir, config, out, context.err());
        } else {
            run = Trainer.train(TrainOptions.resolve(line), out, context.err(), line.hasOption("overwrite"));
        }
        out.println("run directory: " + run.directory());
        return 0;
    }
}
