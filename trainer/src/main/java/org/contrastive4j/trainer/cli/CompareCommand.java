package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.losses.LossParameter;
import org.contrastive4j.losses.LossRegistry;
import org.contrastive4j.trainer.TrainConfig;
import org.contrastive4j.trainer.TrainOptions;
import org.contrastive4j.trainer.Trainer;
import org.contrastive4j.report.ComparisonWriter;
import org.contrastive4j.report.RunResult;

/**
 * {@code ./c4j compare --losses sincere,supcon,infonce}: trains each loss with the same model, data, budget and seed
 * (all train flags apply), then writes one comparison table and overlaid plots.
 */
public final class CompareCommand implements CliCommand {

    @Override
    public String name() {
        return "compare";
    }

    @Override
    public String summary() {
        return "train several losses with identical settings and compare them (table + plots)";
    }

    @Override
    public Group group() {
        return Group.TRAINING;
    }

    @Override
    public Options options() {
        Options o = TrainOptions.options();
        o.addOption(Option.builder().longOpt("losses").hasArg().argName("A,B,..")
                .desc("losses to compare, e.g. sincere,supcon,infonce[,cacr,mio]").build());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        if (!line.hasOption("losses")) {
            throw new CliException("--losses is required, e.g. --losses sincere,supcon,infonce");
        }
        List<String> losses = new ArrayList<>();
        for (String l : line.getOptionValue("losses").split(",")) {
            if (!l.isBlank()) {
                losses.add(l.trim());
            }
        }
        for (String l : losses) {
            LossRegistry.canonicalName(l); // unknown names fail here, before any training
        }
        if (line.hasOption("resume")) {
            throw new CliException("compare trains new runs; --resume applies to train");
        }
        TrainConfig base = TrainOptions.resolve(line);
        Path outDir = Path.of(base.out());
        Files.createDirectories(outDir);
        List<RunResult> results = new ArrayList<>();
        for (String loss : losses) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("loss", loss);
            change.put("loss_params", paramsFor(loss, base.lossParams()));
            change.put("out", outDir.resolve(loss).toString());
            TrainConfig config = base.with(change);
            out.println("== " + loss + " ==");
            Trainer.train(config, out, context.err(), line.hasOption("overwrite"));
            results.add(RunResult.fromRunDir(loss, outDir.resolve(loss)));
        }
        ComparisonWriter.write(outDir, results);
        out.println();
        out.print(Files.readString(outDir.resolve(ComparisonWriter.MARKDOWN)));
        out.println("comparison: " + outDir.resolve(ComparisonWriter.HTML));
        return 0;
    }

    /** The given loss flags that this loss understands (e.g. --temperature is not a CACR parameter). */
    static Map<String, String> paramsFor(String loss, Map<String, String> given) {
        Set<String> accepted = new HashSet<>();
        for (LossParameter p : LossRegistry.parameters(loss)) {
            accepted.add(p.name());
        }
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            if (accepted.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
