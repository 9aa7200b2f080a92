package org.contrastive4j.spark.cli;

import java.util.List;
import org.contrastive4j.core.cli.CliRunner;

/**
 * The main class of the application jar for {@code spark-submit}:
 * {@code spark-submit --class org.contrastive4j.spark.cli.SparkApp contrastive4j-spark-app.jar embed --model ... }
 * takes the arguments of {@code c4j spark} and uses the master, settings and logging spark-submit gives it.
 */
public final class SparkApp {

    private SparkApp() {}

    public static void main(String[] args) {
        String[] full = new String[args.length + 1];
        full[0] = "spark";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = new CliRunner("contrastive4j-spark", "contrastive4j on Apache Spark", List.of(new SparkCommand(true)),
                List.of(), System.out, System.err).run(full);
        System.out.flush();
        if (code != 0) {
            System.exit(code); // spark-submit reports the application as failed
        }
    }
}
