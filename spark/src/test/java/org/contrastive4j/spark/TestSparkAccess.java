package org.contrastive4j.spark;

import org.apache.spark.sql.SparkSession;

/** {@link TestSpark} for tests in other packages. */
public final class TestSparkAccess {

    private TestSparkAccess() {}

    public static SparkSession session() {
        return TestSpark.session();
    }
}
