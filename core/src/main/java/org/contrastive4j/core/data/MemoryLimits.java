package org.contrastive4j.core.data;

import java.io.IOException;
import java.util.Locale;

/**
 * Checks a size a file declares against what can actually be held, before anything is allocated: a small crafted
 * header must fail with one line naming the file, never with {@code Java heap space} or an integer overflow.
 */
final class MemoryLimits {

    /** The largest Java array length that every JVM accepts. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private MemoryLimits() {}

    /**
     * Refuses {@code count} elements of {@code bytesEach} bytes when they exceed the largest array or the heap this JVM
     * may grow to ({@code -Xmx}).
     *
     * @param what what the elements are, for the message (e.g. "the IDX header's 60000 x 28 x 28 values")
     */
    static void check(Object source, long count, int bytesEach, String what) throws IOException {
        if (count < 0 || count > MAX_ARRAY) {
            throw new IOException(source + ": " + what + " (" + count + " values) exceed the largest array a JVM can hold ("
                    + MAX_ARRAY + ")");
        }
        long bytes = count * bytesEach;
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new IOException(String.format(Locale.ROOT, "%s: %s need %.2f GB in memory but this JVM may use at most "
                    + "%.2f GB (raise -Xmx, or use a format read from files on demand, e.g. an image folder)", source, what,
                    bytes / 1e9, max / 1e9));
        }
    }

    /** The product of {@code dims}, or -1 when it overflows a long. */
    static long product(int[] dims) {
        long p = 1;
        for (int d : dims) {
            try {
                p = Math.multiplyExact(p, (long) d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return p;
    }
}
