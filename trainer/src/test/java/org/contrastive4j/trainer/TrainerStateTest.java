package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.trainer.optim.LrSchedule;
import org.junit.jupiter.api.Test;

class TrainerStateTest {

    static final Path CKPT = Path.of("run/checkpoints/last.ckpt");

    @Test
    void writesAndReadsEveryFieldExactly() {
        LrSchedule schedule = new LrSchedule(0.05, 10, 25, true, 0);
        TrainerState s = new TrainerState(13, 2, 10, "sgd", schedule, 42, 0.1 + 0.2, 3,
                new TrainerState.PendingEpoch(2, 4.339612345678901, 0.25, Double.NaN, true));
        TrainerState back = TrainerState.read(s.toBytes(), CKPT);
        assertEquals(13, back.globalStep());
        assertEquals(0.30000000000000004, back.epochLossSum(), 0.0, "the running sum survives bit for bit");
        assertEquals(3, back.epochLossCount());
        assertEquals(schedule, back.schedule());
        assertEquals(4.339612345678901, back.pendingEpoch().trainLoss(), 0.0);
        assertTrue(back.pendingEpoch().evaluate());
        assertEquals(0.25, back.pendingEpoch().repulsionMean(), 0.0);
        assertTrue(Double.isNaN(back.pendingEpoch().repulsionFraction()), "NaN (not JSON) survives as NaN");
    }

    @Test
    void aFormatOneStateHasNoRunningLossAndNothingPending() throws IOException {
        Path v1 = Fixtures.FORMAT_V1.resolve("last.ckpt");
        TrainerState s = TrainerState.read(ModelCheckpoint.readEntry(v1, TrainerState.ENTRY, 1 << 16), v1);
        // the values the fixture's README describes: 3 SGD steps of 10 per epoch, seed 42, lr 0.05 warmed up over 1 epoch
        assertEquals(3, s.globalStep());
        assertEquals(10, s.stepsPerEpoch());
        assertEquals(42, s.seed());
        assertEquals(new LrSchedule(0.05, 10, 3, true, 0), s.schedule());
        assertEquals(0, s.epochLossCount());
        assertNull(s.pendingEpoch());
    }

    @Test
    void aMissingOrMistypedFieldIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerState.read("{\"global_step\": \"x\"}".getBytes(StandardCharsets.UTF_8), CKPT));
        assertTrue(e.getMessage().contains("last.ckpt: trainer_state.json"), e.getMessage());
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> TrainerState.read("[1]".getBytes(StandardCharsets.UTF_8), CKPT));
        assertTrue(g.getMessage().contains("not a JSON object"), g.getMessage());
    }

    @Test
    void batchesThatCannotBeHeldAreRefusedInTermsOfTheFlags() {
        TrainConfig photos = TrainOptions.DEFAULTS.with(Map.of("batch_size", 256, "views", 2));
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> RunBuilder.checkBatchFits(photos, new int[] {3, 224, 224}, 1, 256L << 20));
        // 256 x 2 x 150528 floats x 4 bytes x (3 prefetched + 1 thread + 2) = 1.72 GiB
        assertTrue(heap.getMessage().contains("--batch-size 256 x --views 2 x 150528 values per sample needs about 1.7 GiB"),
                heap.getMessage());
        TrainConfig huge = TrainOptions.DEFAULTS.with(Map.of("batch_size", 100_000, "views", 100_000));
        IllegalArgumentException array = assertThrows(IllegalArgumentException.class,
                () -> RunBuilder.checkBatchFits(huge, new int[] {1, 28, 28}, 1, Long.MAX_VALUE));
        assertTrue(array.getMessage().contains("more than one array can hold"), array.getMessage());
        RunBuilder.checkBatchFits(photos, new int[] {1, 28, 28}, 1, 256L << 20);
    }
}
