package org.contrastive4j.core.data;

/** Small helpers for tensor shapes, written once. */
public final class Shapes {

    private Shapes() {}

    /** {@code [first, rest...]} as longs: the batch shape of samples of shape {@code rest}. */
    public static long[] prepend(long first, int[] rest) {
        long[] s = new long[rest.length + 1];
        s[0] = first;
        for (int i = 0; i < rest.length; i++) {
            s[i + 1] = rest[i];
        }
        return s;
    }

    /** The number of values in a tensor of this shape; fails on overflow. */
    public static int product(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }
}
