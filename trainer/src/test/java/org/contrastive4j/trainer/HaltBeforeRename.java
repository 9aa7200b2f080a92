package org.contrastive4j.trainer;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.trainer.optim.LrSchedule;

/**
 * Writes a checkpoint of the run in {@code args[0]} and halts the JVM (no finally blocks, no shutdown hooks: as a
 * kill would) after the temporary file is complete and before the rename. {@code args[1]} says which write:
 * {@code last} (checkpoints/last.ckpt, rebuilt from the existing one) or {@code epoch} (the kept epoch-001.ckpt copy).
 */
public final class HaltBeforeRename {

    private HaltBeforeRename() {}

    public static void main(String[] args) throws Exception {
        RunLayout layout = RunLayout.of(Path.of(args[0]));
        CheckpointWriter writer = new CheckpointWriter(layout);
        writer.beforeRename(target -> {
            System.out.println("halting before the rename of " + target);
            System.out.flush();
            Runtime.getRuntime().halt(137);
        });
        if (args[1].equals("epoch")) {
            writer.keepEpochCopy(1);
        } else {
            try (NDManager m = NDManager.newBaseManager()) {
                ModelCheckpoint.Loaded old = ModelCheckpoint.load(layout.lastCheckpoint(), m);
                TrainerState state = new TrainerState(4, 1, 10, "sgd", new LrSchedule(0.05, 10, 4, true, 0), 42, 1.5, 1, null);
                writer.write(old.block(), Map.of(), state, new byte[] {1}, "{}", false);
            }
        }
        System.out.println("not halted");
    }
}
