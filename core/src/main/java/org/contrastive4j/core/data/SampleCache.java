package org.contrastive4j.core.data;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded cache of decoded samples, least recently used out first, shared by a dataset read from files and the
 * views selected from it. Its size is counted in bytes of sample values, so memory stays bounded however many files
 * the dataset has. Thread-safe: the loader threads read in parallel (two threads may decode the same file at once;
 * both get the same values, one copy is kept).
 */
final class SampleCache {

    private final long capacityBytes;
    private final LinkedHashMap<Object, float[]> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long usedBytes;

    SampleCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** The cached values of {@code key}, or {@code null}. Do not modify them. */
    synchronized float[] get(Object key) {
        return capacityBytes == 0 ? null : entries.get(key);
    }

    /** Keeps a copy of {@code values[offset, offset + length)} under {@code key}, evicting the oldest entries. */
    void put(Object key, float[] values, int offset, int length) {
        long bytes = 4L * length;
        if (bytes > capacityBytes) {
            return;
        }
        float[] copy = new float[length];
        System.arraycopy(values, offset, copy, 0, length);
        synchronized (this) {
            float[] old = entries.put(key, copy);
            usedBytes += bytes - (old == null ? 0 : 4L * old.length);
            Iterator<Map.Entry<Object, float[]>> it = entries.entrySet().iterator();
            while (usedBytes > capacityBytes && it.hasNext()) {
                usedBytes -= 4L * it.next().getValue().length;
                it.remove();
            }
        }
    }

    synchronized long usedBytes() {
        return usedBytes;
    }

    synchronized int size() {
        return entries.size();
    }
}
