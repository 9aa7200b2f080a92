package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.trainer.Devices;
import org.contrastive4j.trainer.TrainBenchmark;

/** {@code ./c4j bench train ...}: training-step throughput, comparable with shared/bench/torch_ref_train.py. */
public final class BenchCommand implements CliCommand {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: 'bench train' prints img_per_s of the training step (2 views, random data)";
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
        Options o = new Options();
        o.addOption(Option.builder().longOpt("model").hasArg().desc("small-cnn or resnet18 [default: small-cnn]").build());
        o.addOption(Option.builder().longOpt("loss").hasArg().desc("loss name [default: sincere]").build());
        o.addOption(Option.builder().longOpt("temperature").hasArg().desc("loss temperature [default: the loss's]").build());
        o.addOption(Option.builder().longOpt("batch-size").hasArg().desc("samples per batch (x2 views) [default: 256]").build());
        o.addOption(Option.builder().longOpt("steps").hasArg().desc("timed steps after 3 warm-up steps [default: 20]").build());
        o.addOption(Option.builder().longOpt("input-shape").hasArg().desc("C,H,W [default: 1,28,28]").build());
        o.addOption(Option.builder().longOpt("device").hasArg().desc(DeviceSpec.GRAMMAR + " [default: auto]").build());
        o.addOption(Option.builder().longOpt("grad-cache-chunks").hasArg()
                .desc("time the GradCache step with N chunks (0 = the plain step; several GPUs always use it) [default: 0]").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().desc("PyTorch intra-op threads [default: all cores]").build());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        if (line.getArgList().size() != 1 || !line.getArgList().get(0).equals("train")) {
            throw new CliException("usage: c4j bench train [options] (the only benchmark target is 'train'; "
                    + "loss and inference benchmarks are JMH, see README)");
        }
        EngineSetup.threads(NumericFlags.intValue(line, "threads", 0, 0));
        String[] dims = line.getOptionValue("input-shape", "1,28,28").split(",");
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            try {
                shape[i] = Integer.parseInt(dims[i].trim());
            } catch (NumberFormatException e) {
                throw new CliException("--input-shape: '" + dims[i].trim() + "' is not a whole number (give C,H,W)");
            }
            if (shape[i] < 1) {
                throw new CliException("--input-shape: every dimension must be >= 1, got " + shape[i]);
            }
        }
        int batch = NumericFlags.intValue(line, "batch-size", 256, 2);
        int steps = NumericFlags.intValue(line, "steps", 20, 1);
        Map<String, String> params = line.hasOption("temperature") ? Map.of("temperature", line.getOptionValue("temperature")) : Map.of();
        var devices = Devices.resolve(line.getOptionValue("device", "auto"));
        int chunks = NumericFlags.intValue(line, "grad-cache-chunks", 0, 0);
        TrainBenchmark.Result r = TrainBenchmark.run(line.getOptionValue("model", "small-cnn"), line.getOptionValue("loss", "sincere"),
                params, batch, steps, shape, devices, chunks);
        String device = String.join(",", devices.stream().map(Object::toString).toList())
                + (chunks > 0 || devices.size() > 1 ? " grad_cache_chunks=" + chunks : "");
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        out.printf(Locale.ROOT, "img_per_s=%.0f ms_per_step=%.1f peak_rss_mb=%.0f device=%s batch=%dx2 steps=%d allocator=%s%n",
                r.imagesPerSecond(), r.msPerStep(), r.peakRssBytes() / 1048576.0, device, batch, steps,
                preload.contains("tcmalloc") ? "tcmalloc" : "glibc");
        return 0;
    }
}
