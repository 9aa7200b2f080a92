package org.contrastive4j.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.trainer.RunArtifacts;
import org.contrastive4j.trainer.TrainConfig;
import org.contrastive4j.trainer.TrainOptions;
import org.contrastive4j.trainer.TrainingSession;

/** {@code ./c4j train}: the offline training command. */
final class TrainCommand implements CliCommand {

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train an encoder with a contrastive loss (config file + flags), evaluate, export ONNX, report";
    }

    @Override
    public Options options() {
        return TrainOptions.options();
    }

    @Override
    public int run(CommandLine line) throws Exception {
        long t0 = System.nanoTime();
        EngineSetup.threads(line);
        TrainingSession session;
        if (line.hasOption("resume")) {
            session = TrainingSession.resume(Path.of(line.getOptionValue("resume")), System.out);
        } else {
            TrainConfig config = TrainOptions.resolve(line);
            session = TrainingSession.start(config, System.out);
        }
        try (session) {
            TrainingSession.Result result = session.run();
            RunArtifacts.finish(session, result, t0, System.out);
            System.out.println("run directory: " + result.runDir());
        }
        return 0;
    }
}
