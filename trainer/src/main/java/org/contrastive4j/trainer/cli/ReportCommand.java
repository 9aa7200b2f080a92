package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.trainer.FinishedRun;
import org.contrastive4j.trainer.RunArtifacts;
import org.contrastive4j.trainer.TrainingSession;

/** {@code ./c4j report --run DIR}: (re)writes DIR/report/index.html from the run's last checkpoint and data. */
public final class ReportCommand implements CliCommand {

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "embedding-space report of a run: target/noise similarities, accuracies, confusion, PCA, curves";
    }

    @Override
    public Group group() {
        return Group.TRAINING;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("run").hasArg().argName("DIR").desc("run directory (from train or demo)").build());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        if (!line.hasOption("run")) {
            throw new CliException("--run DIR is required");
        }
        Path dir = Path.of(line.getOptionValue("run"));
        try (FinishedRun run = FinishedRun.open(dir)) {
            TrainingSession.Result result = run.evaluate();
            Path index = RunArtifacts.writeReport(run.config(), run.data(), result, RunLayout.of(dir).reportDir());
            out.println("report: " + index);
        }
        return 0;
    }
}
