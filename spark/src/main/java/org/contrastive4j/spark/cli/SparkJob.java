package org.contrastive4j.spark.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.inference.ModelInfo;
import org.contrastive4j.spark.KnnClassifier;
import org.contrastive4j.spark.LeanLocalFileSystem;
import org.contrastive4j.spark.OnnxEmbedder;
import org.contrastive4j.spark.OnnxTransformer;
import org.contrastive4j.spark.RowFailure;

/** The work of {@code c4j spark}: session, input, transformer, output. */
final class SparkJob {

    /** Image files the images input reads (Hadoop glob syntax, matched against file names). */
    static final String IMAGE_GLOB = "*.{" + String.join(",", LocalImages.EXTENSIONS) + "}";
    /**
     * Images are small files: Spark's default cost of opening one (4 MB) packs only ~32 per partition, far below a
     * useful batch, and makes thousands of tasks; 64 KB packs ~2,000 per partition.
     */
    static final String IMAGE_OPEN_COST = "65536";
    static final String OPEN_COST = "spark.sql.files.openCostInBytes";
    /**
     * Arrays as Parquet's two-level lists ({@code repeated float array}), which every Parquet reader reads (the
     * format's backward-compatibility rules): Spark's three-level form spends a group per element, and writing it was
     * the largest Java cost of {@code c4j spark embed} (profiled). Our outputs have no decimals or maps, the other
     * types this setting changes.
     */
    static final String LEGACY_PARQUET = "spark.sql.parquet.writeLegacyFormat";
    /** SQL settings of the command, unless the user gives their own with --conf. */
    static final Map<String, String> SQL_DEFAULTS = Map.of(OPEN_COST, IMAGE_OPEN_COST, LEGACY_PARQUET, "true");
    static final String ID = "id";

    private SparkJob() {}

    static int run(String what, CommandLine line, CliContext context, boolean submitted) throws Exception {
        PrintStream err = context.err();
        boolean classify = what.equals("classify");
        for (String o : List.of("index", "k", "vote")) {
            if (!classify && line.hasOption(o)) {
                throw new CliException("--" + o + " applies to 'c4j spark classify'");
            }
        }
        if (!submitted && !context.verbose() && System.getProperty("log4j2.configurationFile") == null) {
            quietLogging();
        }
        Map<String, String> user = confPairs(line);
        boolean existing = SparkSession.getDefaultSession().isDefined();
        String master = line.getOptionValue("master", submitted || existing ? null : "local[*]");
        Map<String, String> conf = new LinkedHashMap<>();
        if (existing) {
            // In-process use (tests, a JVM that already runs Spark): only the SQL settings of a running session change.
            String running = SparkSession.getDefaultSession().get().sparkContext().master();
            if (master != null && !master.equals(running)) {
                throw new CliException("--master " + master + ": this JVM already runs a Spark session on " + running);
            }
            for (String k : user.keySet()) {
                if (!k.startsWith("spark.sql.")) {
                    throw new CliException("--conf " + k + ": this JVM already runs a Spark session, whose settings other "
                            + "than spark.sql.* are fixed");
                }
            }
        } else {
            if (master != null && master.startsWith("local")) {
                // A local driver needs no network: bind it to the loopback address and skip the web UI.
                conf.put("spark.driver.host", "127.0.0.1");
                conf.put("spark.driver.bindAddress", "127.0.0.1");
                conf.put("spark.ui.enabled", "false");
            }
            conf.put("spark.ui.showConsoleProgress", Boolean.toString(System.console() != null));
            // Local files without checksum siblings and with one stat per file (see LeanLocalFileSystem): Hadoop's
            // per-file costs were larger than reading and decoding a small image (profiled).
            conf.put("spark.hadoop.fs.file.impl", LeanLocalFileSystem.class.getName());
            conf.putAll(SQL_DEFAULTS);
        }
        conf.putAll(user);
        String format = line.getOptionValue("format");
        LocalImages.Listing early = format == null || format.equals("images")
                ? LocalImages.listEarly(line.getOptionValue("input")) : null;
        SparkSession.Builder builder = SparkSession.builder().appName("c4j spark " + what);
        if (master != null) {
            builder.master(master);
        }
        conf.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        List<String> lent = new ArrayList<>(); // set on a running session for this command only
        if (existing) {
            for (Map.Entry<String, String> d : SQL_DEFAULTS.entrySet()) {
                if (!spark.conf().contains(d.getKey())) {
                    spark.conf().set(d.getKey(), d.getValue());
                    lent.add(d.getKey());
                }
            }
        }
        try {
            return run(what, line, err, context.out(), spark, classify, early);
        } finally {
            if (!existing) {
                spark.stop();
            } else {
                lent.forEach(spark.conf()::unset);
            }
        }
    }

    private static int run(String what, CommandLine line, PrintStream err, PrintStream out, SparkSession spark,
            boolean classify, LocalImages.Listing early) throws Exception {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String input = line.getOptionValue("input");
        String output = line.getOptionValue("output");
        String model = line.getOptionValue("model");
        String format = outputFormat(output);
        checkOutput(output, line.hasOption("overwrite"), hadoop, input, model, line.getOptionValue("index"));

        long t0 = System.nanoTime();
        Input in = read(spark, line, input, hadoop, early);
        OnnxTransformer<?> stage = classify ? classifier(line) : embedder(line);
        stage.setModelPath(model).setInputCol(in.featureCol()).setIdCol(ID);
        if (line.hasOption("mode")) {
            stage.setMode(line.getOptionValue("mode"));
        }
        if (line.hasOption("batch-size")) {
            stage.setBatchSize(intValue(line, "batch-size"));
        }
        if (line.hasOption("device")) {
            stage.setDevice(line.getOptionValue("device"));
        }
        ModelInfo info = stage.describeModel(spark);
        err.printf(Locale.ROOT, "c4j spark %s: %s (%s, sha256 %s) on %s, master %s%n", what, model,
                Arrays.toString(info.inputShape()), info.sha256().substring(0, 12), input, spark.sparkContext().master());

        Dataset<Row> result = stage.transform(in.rows());
        List<Column> cols = new ArrayList<>();
        cols.add(functions.col(ID));
        if (classify) {
            KnnClassifier c = (KnnClassifier) stage;
            cols.add(functions.col(c.getPredictionCol()));
            cols.add(functions.col(c.getLabelIndexCol()));
            cols.add(functions.col(c.getScoreCol()));
        } else if (format.equals("csv")) {
            // CSV has no arrays: one column per dimension, e0..e<D-1>, as 'c4j embed' writes CSV.
            OnnxEmbedder e = (OnnxEmbedder) stage;
            String name = e.getOutputName().isEmpty() ? info.outputName() : e.getOutputName();
            long[] shape = info.outputShapes().get(name);
            long dim = shape.length == 0 ? -1 : 1;
            for (long d : shape) {
                dim = d < 0 || dim < 0 ? -1 : dim * d;
            }
            if (dim < 0) {
                throw new CliException(model + ": output '" + name + "' has no fixed size, so it cannot be written as CSV "
                        + "columns; write .parquet or .json");
            }
            for (int j = 0; j < dim; j++) {
                cols.add(functions.col(e.getOutputCol()).getItem(j).as("e" + j));
            }
        } else {
            cols.add(functions.col(((OnnxEmbedder) stage).getOutputCol()));
        }
        boolean permissive = stage.getMode().equals(OnnxTransformer.PERMISSIVE);
        if (permissive) {
            cols.add(functions.col(stage.getErrorCol()));
        }
        // Rows (and rows with errors) are counted as they are written, instead of reading the output back afterwards.
        Observation written = new Observation();
        Column[] counted = permissive
                ? new Column[] {functions.count(functions.col(stage.getErrorCol())).as("errors")}
                : new Column[0];
        DataFrameWriter<Row> writer = result.select(cols.toArray(new Column[0]))
                .observe(written, functions.count(functions.lit(1)).as("rows"), counted).write()
                .mode(line.hasOption("overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists).format(format);
        if (format.equals("csv")) {
            writer = writer.option("header", "true");
        }
        if (format.equals("parquet") && !classify) {
            // Embeddings (and paths) are all distinct: Parquet's dictionary encoding only burns CPU trying (it was
            // the largest cost of the executors, before the model, in a profile of 'c4j spark embed').
            writer = writer.option("parquet.enable.dictionary", "false");
        }
        boolean existed = FileSystem.get(new Path(output).toUri(), hadoop).exists(new Path(output));
        try {
            writer.save(output);
        } catch (Exception e) { // SparkException is checked, but Scala throws it undeclared
            if (!existed) {
                Path p = new Path(output);
                p.getFileSystem(hadoop).delete(p, true); // whatever a failed job left behind
            }
            throw oneLine(e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> counts = written.getAsJava();
        long rows = ((Number) counts.get("rows")).longValue();
        String errors = "";
        if (permissive) {
            errors = String.format(Locale.ROOT, ", %d with errors in column '%s'", ((Number) counts.get("errors")).longValue(),
                    stage.getErrorCol());
        }
        // One part file per non-empty partition: the job's parallelism, read from the output instead of planning the
        // input twice (which took seconds on a large folder).
        out.printf(Locale.ROOT, "%s %d rows%s in %.1f s (%.0f rows/s, %d part files) -> %s%n",
                classify ? "classified" : "embedded", rows, errors, seconds, rows / seconds, partFiles(output, hadoop), output);
        return 0;
    }

    /** The part files of a written output folder (Spark's committers name them part-NNNNN...). */
    private static int partFiles(String output, Configuration hadoop) throws IOException {
        Path p = new Path(output);
        return p.getFileSystem(hadoop).listStatus(p, f -> f.getName().startsWith("part-")).length;
    }

    /** The input rows with an {@link #ID} column, and the column holding the samples. */
    record Input(Dataset<Row> rows, String featureCol) {}

    private static Input read(SparkSession spark, CommandLine line, String input, Configuration hadoop,
            LocalImages.Listing early) throws IOException {
        Path in = new Path(input);
        FileSystem fs = in.getFileSystem(hadoop);
        if (!isGlob(input) && !fs.exists(in)) {
            // before Spark's reader, which logs a warning with a stack trace first
            throw new CliException(input + ": no such file or directory");
        }
        String format = line.getOptionValue("format");
        if (format == null) {
            format = input.toLowerCase(Locale.ROOT).endsWith(".parquet") || holdsParquet(input, hadoop) ? "parquet" : "images";
        }
        switch (format) {
            case "images" -> {
                for (String o : List.of("input-col", "id-col")) {
                    if (line.hasOption(o)) {
                        throw new CliException("--" + o + " applies to Parquet input (images are read with their path as id)");
                    }
                }
                if (fs.getUri().getScheme().equals("file") && !isGlob(input) && fs.getFileStatus(in).isDirectory()) {
                    return new Input(LocalImages.read(spark, new File(fs.makeQualified(in).toUri().getPath()), early),
                            "content");
                }
                Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", IMAGE_GLOB)
                        .option("recursiveFileLookup", "true").load(input);
                return new Input(images.select(functions.col("path").as(ID), functions.col("content")), "content");
            }
            case "parquet" -> {
                Dataset<Row> df = spark.read().parquet(input);
                List<String> names = Arrays.asList(df.schema().fieldNames());
                String feature = line.getOptionValue("input-col", featureColumn(df.schema(), input));
                if (!names.contains(feature)) {
                    throw new CliException(input + ": no column '" + feature + "' (columns: " + String.join(", ", names) + ")");
                }
                String id = line.getOptionValue("id-col", names.contains(ID) ? ID : null);
                if (id != null && !names.contains(id)) {
                    throw new CliException(input + ": no column '" + id + "' (columns: " + String.join(", ", names) + ")");
                }
                Column idCol = id != null ? functions.col(id) : rowIndex(df);
                return new Input(df.select(idCol.as(ID), functions.col(feature)), feature);
            }
            default -> throw new CliException("--format must be images or parquet, got '" + format + "'");
        }
    }

    static boolean isGlob(String path) {
        return path.matches(".*[*?\\[{].*");
    }

    private static boolean holdsParquet(String input, Configuration hadoop) throws IOException {
        Path p = new Path(input);
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
            return false;
        }
        return Arrays.stream(fs.listStatus(p)).anyMatch(s -> s.isFile() && s.getPath().getName().endsWith(".parquet"));
    }

    /** 'features', else the only column of a type the transformers read. */
    private static String featureColumn(StructType schema, String input) {
        if (Arrays.asList(schema.fieldNames()).contains("features")) {
            return "features";
        }
        List<String> candidates = new ArrayList<>();
        for (StructField f : schema.fields()) {
            String t = f.dataType().typeName();
            if (t.equals("array") || t.equals("vector") || t.equals("binary")) {
                candidates.add(f.name());
            }
        }
        if (candidates.size() != 1) {
            throw new CliException(input + ": " + (candidates.isEmpty() ? "no array, vector or binary column" : "several "
                    + "candidate feature columns " + candidates) + "; name one with --input-col (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        return candidates.get(0);
    }

    /**
     * The row's position, read for free from Parquet's per-file row index: the 0-based row index for a single file,
     * {@code <file name>:<row index>} when the input has several files.
     */
    private static Column rowIndex(Dataset<Row> df) {
        Column row = df.col("_metadata.row_index");
        return df.inputFiles().length == 1 ? row
                : functions.concat(df.col("_metadata.file_name"), functions.lit(":"), row.cast(DataTypes.StringType));
    }

    private static OnnxEmbedder embedder(CommandLine line) {
        OnnxEmbedder e = new OnnxEmbedder().setNormalize(line.hasOption("normalize"));
        if (line.hasOption("output-name")) {
            e.setOutputName(line.getOptionValue("output-name"));
        }
        return e;
    }

    private static KnnClassifier classifier(CommandLine line) {
        KnnClassifier c = new KnnClassifier();
        if (line.hasOption("index")) {
            c.setIndexPath(line.getOptionValue("index"));
        }
        if (line.hasOption("k")) {
            c.setK(intValue(line, "k"));
        }
        if (line.hasOption("vote")) {
            c.setVote(line.getOptionValue("vote"));
        }
        if (line.hasOption("output-name")) {
            c.setOutputName(line.getOptionValue("output-name"));
        }
        if (line.hasOption("normalize")) {
            c.setNormalize(true);
        }
        return c;
    }

    static String outputFormat(String output) {
        String n = new Path(output).getName().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return "csv";
        }
        if (n.endsWith(".json") || n.endsWith(".jsonl")) {
            return "json";
        }
        if (n.endsWith(".parquet") || !n.contains(".")) {
            return "parquet";
        }
        throw new CliException(output + ": unknown output format (use .parquet, .csv or .json; Spark writes a folder of "
                + "part files)");
    }

    /** Refuses an existing output (without --overwrite) and one that is, contains or lies inside an input. */
    private static void checkOutput(String output, boolean overwrite, Configuration hadoop, String... inputs)
            throws IOException {
        Path out = qualified(output, hadoop);
        for (String in : inputs) {
            if (in == null) {
                continue;
            }
            Path i = qualified(in, hadoop);
            String a = out.toString() + "/";
            String b = i.toString() + "/";
            if (a.startsWith(b) || b.startsWith(a)) {
                throw new CliException(output + ": the output would overwrite (or lie inside) the input " + in);
            }
        }
        if (!overwrite && out.getFileSystem(hadoop).exists(out)) {
            throw new CliException(output + ": already exists (pass --overwrite to replace it)");
        }
    }

    private static Path qualified(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(hadoop).makeQualified(p);
    }

    /**
     * A failed job as one line: the {@link RowFailure} behind it when there is one (in the cause chain locally, in
     * the message when it comes from a remote executor), else the first line of Spark's message (the stack trace
     * of the failed task follows it).
     */
    static Exception oneLine(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof RowFailure f) {
                return new CliException(f.getMessage());
            }
        }
        String m = String.valueOf(e.getMessage());
        String marker = RowFailure.class.getName() + ": ";
        int at = m.indexOf(marker);
        if (at >= 0) {
            return new CliException(firstLine(m.substring(at + marker.length())));
        }
        return m.contains("\n") ? new CliException(firstLine(m), e) : e;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Map<String, String> confPairs(CommandLine line) {
        Map<String, String> conf = new LinkedHashMap<>();
        String[] values = line.getOptionValues("conf");
        if (values != null) {
            for (String kv : values) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("--conf expects KEY=VALUE, got '" + kv + "'");
                }
                conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return conf;
    }

    private static int intValue(CommandLine line, String name) {
        String v = line.getOptionValue(name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** Warnings and errors only (see log4j2-cli.properties), unless the user configured logging. */
    private static void quietLogging() {
        URL config = SparkJob.class.getResource("log4j2-cli.properties");
        if (config != null) {
            try {
                Configurator.reconfigure(config.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("bad resource URL " + config, e);
            }
        }
    }
}
