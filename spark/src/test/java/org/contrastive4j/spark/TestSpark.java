package org.contrastive4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: local[2], driver on 127.0.0.1, no UI, few shuffle partitions, and local files
 * through {@link LeanLocalFileSystem} as {@code c4j spark} reads them.
 */
public final class TestSpark {

    private static SparkSession session;

    private TestSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().appName("contrastive4j-spark-tests").master("local[2]")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.hadoop.fs.file.impl", LeanLocalFileSystem.class.getName()).getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop, "stop-test-spark"));
        }
        return session;
    }
}
