package org.contrastive4j.trainer.data;

/**
 * A mutable working image ({@code [C, H, W]} floats) with a scratch buffer of the same capacity, so a chain of
 * augmentations runs without allocating: an operation that cannot work in place writes to {@link #scratch()} and
 * calls {@link #swap}. One instance per worker thread; not thread-safe.
 */
public final class ImageBuffer {

    private float[] data;
    private float[] scratch;
    private int channels;
    private int height;
    private int width;

    public ImageBuffer(int capacity) {
        data = new float[capacity];
        scratch = new float[capacity];
    }

    /** Copies one {@code [c, h, w]} image from {@code src} at {@code offset} into this buffer. */
    public void load(float[] src, int offset, int c, int h, int w) {
        int n = c * h * w;
        ensureCapacity(n);
        System.arraycopy(src, offset, data, 0, n);
        channels = c;
        height = h;
        width = w;
    }

    /** Grows both buffers (keeping the current image) when an image of {@code n} values would not fit. */
    public void ensureCapacity(int n) {
        if (data.length < n) {
            float[] d = new float[n];
            System.arraycopy(data, 0, d, 0, data.length);
            data = d;
            scratch = new float[n];
        }
    }

    /** Makes the scratch buffer (now holding a {@code [channels, h, w]} result) the current image. */
    public void swap(int h, int w) {
        float[] t = data;
        data = scratch;
        scratch = t;
        height = h;
        width = w;
    }

    public float[] data() {
        return data;
    }

    public float[] scratch() {
        return scratch;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int plane() {
        return height * width;
    }

    public int length() {
        return channels * height * width;
    }
}
