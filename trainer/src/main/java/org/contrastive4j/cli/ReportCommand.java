package org.contrastive4j.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.trainer.RunArtifacts;
import org.contrastive4j.trainer.TrainingSession;

/** {@code ./c4j report --run DIR}: (re)writes DIR/report/index.html from the run's last checkpoint and data. */
final class ReportCommand implements CliCommand {

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "embedding-space report of a run: target/noise similarities, accuracies, confusion, PCA, curves";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("run").hasArg().argName("DIR").desc("run directory (from train or demo)").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws Exception {
        if (!line.hasOption("run")) {
            throw new CliException("--run DIR is required");
        }
        Path dir = Path.of(line.getOptionValue("run"));
        try (TrainingSession session = TrainingSession.open(dir, System.out)) {
            TrainingSession.Result result = session.inspect();
            Path index = RunArtifacts.writeReport(session, result, dir.resolve("report"));
            System.out.println("report: " + index);
        }
        return 0;
    }
}
