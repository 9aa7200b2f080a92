package org.contrastive4j.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A file of named tensors (a state dict), opened lazily: the index is read and validated on open, tensor data only
 * when {@link #floats} asks for one tensor, so memory holds one tensor at a time beyond what the caller keeps.
 */
public interface WeightFile extends AutoCloseable {

    Path path();

    /** {@code safetensors}, {@code pytorch-zip} or {@code pytorch-legacy}, with where the state dict was found. */
    String format();

    /** Every tensor in file order, by name. */
    Map<String, TensorEntry> tensors();

    /** The values of tensor {@code name} converted to float32, row-major. */
    float[] floats(String name) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * Opens {@code file} by its content: a PyTorch {@code torch.save} file (a zip since PyTorch 1.6, starting with
     * {@code PK}; or the older pickle stream, starting with its magic number) or safetensors (anything
     * else, validated as such).
     */
    static WeightFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "weight file not found");
        }
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(4);
        }
        if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            return TorchSaveFile.openZip(file);
        }
        // PROTO 2, then LONG1 of 10 bytes: the start of torch's magic number 0x1950a86a20f9469cfc6c
        if (magic.length == 4 && (magic[0] & 0xff) == 0x80 && magic[1] == 2 && (magic[2] & 0xff) == 0x8a && magic[3] == 10) {
            return TorchSaveFile.openLegacy(file);
        }
        return SafeTensorsFile.open(file);
    }
}
