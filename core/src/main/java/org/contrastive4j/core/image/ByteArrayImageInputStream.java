package org.contrastive4j.core.image;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@code ImageInputStream} over bytes already in memory. ImageIO's own stream for an {@code InputStream} copies the
 * bytes into a block cache and registers every instance with a global, synchronised disposer: measurable work per
 * image when a server or a Spark task decodes thousands of small images a second, and nothing to gain for an array.
 */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {

    private final byte[] data;

    ByteArrayImageInputStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() {
        bitOffset = 0;
        if (streamPos >= data.length) {
            return -1;
        }
        return data[(int) streamPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + " of " + b.length);
        }
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            return -1;
        }
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }

    /**
     * Nothing to release. Java 17's {@code ImageInputStreamImpl} declares a finalizer, which makes the JVM register
     * every instance with the finalizer queue (one VM call per image, and each stream lives through an extra
     * collection); HotSpot skips that for a class whose own finalizer is empty. It was 7 % of a Spark task's Java time.
     */
    @Override
    @SuppressWarnings({"deprecation", "removal"})
    protected void finalize() {
        // empty on purpose: see above
    }
}
