package org.contrastive4j.models.weights;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Reading helpers shared by the weight-file readers. */
final class WeightFiles {

    private WeightFiles() {}

    /** Fills {@code dst} from {@code position} of {@code ch}; a file that ends first is "truncated". */
    static void readFully(Path file, FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new WeightsException(file, "truncated", new EOFException());
            }
            pos += n;
        }
    }
}
