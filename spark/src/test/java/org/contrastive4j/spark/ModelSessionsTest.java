package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;

class ModelSessionsTest {

    @Test
    void oneSessionPerModelAndJvmWhateverTheNumberOfPartitionsTasksAndStages() throws Exception {
        ModelSessions.closeAll();
        int before = ModelSessions.openedCount();
        Samples s = TestData.subset("test").head(400);
        Dataset<Row> rows = TestData.featureRows(s, 2).repartition(8); // 8 tasks on local[2]'s two task threads
        String model = TestData.model().toString();
        Dataset<Row> out = new OnnxEmbedder().setModelPath(model).setBatchSize(32).transform(rows);
        out = new OnnxEmbedder().setModelPath(model).setBatchSize(32).setOutputName("projection").setOutputCol("projection")
                .transform(out);
        List<Row> result = out.collectAsList();
        assertEquals(400, result.size());
        assertEquals(8, rows.rdd().getNumPartitions());
        assertEquals(1, ModelSessions.openedCount() - before, "sessions opened for one model");
        assertEquals(1, ModelSessions.openCount());

        new OnnxEmbedder().setModelPath(model).setBatchSize(32).transform(rows).count();
        new OnnxEmbedder().setModelPath(TestData.headModel().toString()).setBatchSize(32)
                .transform(TestData.featureRows(new Samples("x", new float[32], new int[] {1, 4, 4}, null, List.of()), 2))
                .collectAsList();
        assertEquals(2, ModelSessions.openedCount() - before, "a second model opens its own session, once");

        ModelSessions.closeAll();
        assertEquals(0, ModelSessions.openCount());
    }
}
