package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.trainer.RunDirectory;
import org.contrastive4j.trainer.RunArtifacts;
import org.contrastive4j.trainer.TrainConfig;
import org.contrastive4j.trainer.TrainOptions;
import org.contrastive4j.trainer.TrainingSession;

/** {@code ./c4j train}: the offline training command. */
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
        long t0 = System.nanoTime();
        TrainingSession session;
        if (line.hasOption("resume")) {
            if (line.hasOption("overwrite")) {
                throw new CliException("--resume continues a run and --overwrite replaces one: give one of them");
            }
            Path dir = Path.of(line.getOptionValue("resume"));
            RunDirectory.precheck(dir, RunDirectory.Use.RESUME);
            TrainConfig config = TrainOptions.resolveResume(line, TrainingSession.storedConfig(dir));
            EngineSetup.threads(config.threads());
            session = TrainingSession.resume(dir, config, out, context.err());
        } else {
            TrainConfig config = TrainOptions.resolve(line);
            EngineSetup.threads(config.threads());
            session = TrainingSession.start(config, out, context.err(), line.hasOption("overwrite"));
        }
        try (session) {
            TrainingSession.Result result = session.run();
            RunArtifacts.finish(session, result, t0, out);
            out.println("run directory: " + result.runDir());
        }
        return 0;
    }
}
