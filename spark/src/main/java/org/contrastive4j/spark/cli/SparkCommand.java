package org.contrastive4j.spark.cli;

import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.device.DeviceSpec;

/**
 * {@code c4j spark embed|classify}: runs {@code OnnxEmbedder} / {@code KnnClassifier} over a folder of images or a
 * Parquet dataset and writes the result with Spark's writers.
 *
 * <p>This class never touches a Spark type, so that {@code c4j --help} lists it on a class path without Spark;
 * {@link SparkJob} does the work once Spark is known to be there.
 */
public final class SparkCommand implements CliCommand {

    static final List<String> SUBCOMMANDS = List.of("embed", "classify");

    private final boolean submitted;

    public SparkCommand() {
        this(false);
    }

    /** @param submitted run by {@code spark-submit} ({@link SparkApp}): the master and logging are the cluster's */
    SparkCommand(boolean submitted) {
        this.submitted = submitted;
    }

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String summary() {
        return "embed / classify on Apache Spark (local[*] or spark-submit): spark embed|classify";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public boolean takesPositionalArguments() {
        return true;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(opt("master", "URL", "Spark master (default local[*]; under spark-submit, spark-submit's)"));
        o.addOption(required("model", "M.onnx", "ONNX model: a local path or any URI Spark reads (hdfs:, s3a:, ...)"));
        o.addOption(required("input", "DIR|X.parquet", "a folder (or glob) of PNG/JPEG images, read recursively with "
                + "Spark's binaryFile source, or a Parquet dataset with a feature column"));
        o.addOption(required("output", "OUT.parquet|.csv|.json", "where Spark writes the result (a folder of part "
                + "files; format from the extension, Parquet without one)"));
        o.addOption(opt("index", "ref.idx", "classify: k-NN index from 'c4j index' (default: the model's classifier head)"));
        o.addOption(opt("k", "K", "classify: neighbours (default: the index's k)"));
        o.addOption(opt("vote", "majority|distance-weighted", "classify: neighbour vote (default: the index's)"));
        o.addOption(opt("mode", "failfast|permissive", "bad rows: failfast (default) fails naming the row; permissive "
                + "writes null outputs and the reason in an 'error' column"));
        o.addOption(opt("format", "images|parquet", "input format (default: parquet for *.parquet or a folder of "
                + "*.parquet files, else images)"));
        o.addOption(opt("input-col", "COL", "Parquet input: the feature column (default: 'features', else the only "
                + "array/vector column)"));
        o.addOption(opt("id-col", "COL", "Parquet input: the id column (default: 'id' when present, else the row index)"));
        o.addOption(opt("batch-size", "N", "rows per ONNX Runtime call (default 256)"));
        o.addOption(opt("device", "D", DeviceSpec.GRAMMAR + " on the executors (default auto)"));
        o.addOption(opt("output-name", "NAME", "model output to use (default: embedding, else the first output; "
                + "classify: the one the index was built from)"));
        o.addOption(Option.builder().longOpt("normalize").desc("L2-normalise embeddings (classify: default as the index "
                + "was built)").build());
        o.addOption(Option.builder().longOpt("conf").hasArg().argName("KEY=VALUE").desc("a Spark setting (repeatable), "
                + "e.g. --conf spark.executor.memory=4g").build());
        o.addOption(Option.builder().longOpt("overwrite").desc("replace an existing output").build());
        return o;
    }

    private static Option opt(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    private static Option required(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).required().desc(desc).build();
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        List<String> args = line.getArgList();
        if (args.size() != 1 || !SUBCOMMANDS.contains(args.get(0))) {
            throw new CliException("expected 'embed' or 'classify' (c4j spark embed|classify --model M.onnx --input DIR "
                    + "--output OUT.parquet), got " + (args.isEmpty() ? "nothing" : "'" + String.join(" ", args) + "'"));
        }
        if (Thread.currentThread().getContextClassLoader().getResource("org/apache/spark/sql/SparkSession.class") == null
                && SparkCommand.class.getClassLoader().getResource("org/apache/spark/sql/SparkSession.class") == null) {
            throw new CliException("Apache Spark is not on the class path: run 'c4j spark' through ./c4j (which adds "
                    + "spark/target/lib), or hand spark/target/contrastive4j-spark-app.jar to spark-submit");
        }
        return SparkJob.run(args.get(0), line, context, submitted);
    }
}
