package org.contrastive4j.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelCheckpoint;

/**
 * Writes a run's checkpoints: {@code last.ckpt} after every epoch (and every N steps on request) and a kept
 * {@code epoch-NNN.ckpt} at each epoch end, both atomically (temporary file, then rename), so a kill at any moment
 * leaves every checkpoint either absent, or old, or complete — never partial.
 */
final class CheckpointWriter {

    /** Called after a checkpoint's temporary file is complete and before it is renamed: a fault-injection point. */
    interface BeforeRename {
        void reached(Path target) throws IOException;
    }

    private final RunLayout layout;
    private BeforeRename beforeRename = target -> {};

    CheckpointWriter(RunLayout layout) {
        this.layout = layout;
    }

    /** For tests: what to do between the temporary write and the rename (e.g. halt the JVM, as a kill would). */
    void beforeRename(BeforeRename hook) {
        this.beforeRename = hook;
    }

    /** Writes {@code last.ckpt}; at an epoch end also keeps it as {@code epoch-NNN.ckpt}. */
    void write(EncoderBlock block, Map<String, String> provenance, TrainerState state, byte[] optimizerState,
            String configJson, boolean epochEnd) throws IOException {
        Map<String, byte[]> extras = new LinkedHashMap<>();
        extras.put(TrainerState.OPTIMIZER_ENTRY, optimizerState);
        extras.put(TrainerState.ENTRY, state.toBytes());
        extras.put(TrainerState.CONFIG_ENTRY, configJson.getBytes(StandardCharsets.UTF_8));
        Path last = layout.lastCheckpoint();
        AtomicFiles.write(last, out -> {
            ModelCheckpoint.write(out, block.spec(), block, provenance, extras);
            out.flush();
            beforeRename.reached(last);
        });
        if (epochEnd) {
            keepEpochCopy(state.epoch());
        }
    }

    /** Copies {@code last.ckpt} to {@code epoch-NNN.ckpt} through a temporary file and a rename. */
    void keepEpochCopy(int epoch) throws IOException {
        Path last = layout.lastCheckpoint();
        Path kept = layout.epochCheckpoint(epoch);
        AtomicFiles.writePath(kept, tmp -> {
            Files.copy(last, tmp, StandardCopyOption.REPLACE_EXISTING);
            beforeRename.reached(kept);
        });
    }
}
