package org.contrastive4j.core.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Operations on any {@link Dataset}: copying into memory, aligning class indices, checking labels. */
public final class Datasets {

    private Datasets() {}

    /**
     * All samples in memory (a {@link Samples} is returned as is). Files are decoded in parallel; a dataset too large
     * for this JVM's heap is refused before anything is allocated.
     */
    public static Samples materialize(Dataset d) throws IOException {
        if (d instanceof Samples s) {
            return s;
        }
        int len = d.sampleLength();
        MemoryLimits.check(d.source(), (long) d.size() * len, Float.BYTES, d.size() + " samples of " + len + " values");
        float[] values = new float[d.size() * len];
        try {
            IntStream.range(0, d.size()).parallel().forEach(i -> d.read(i, values, i * len));
        } catch (DataException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new Samples(d.source(), values, d.sampleShape(), d.labels() == null ? null : d.labels().clone(),
                d.classNames());
    }

    /**
     * The same samples with labels renumbered to index {@code classNames} (matched by name), e.g. a test set whose
     * folders hold only some of the training classes. Unchanged when the names already agree; a class of {@code d}
     * missing from {@code classNames} is an error naming it.
     */
    public static Dataset withClassNames(Dataset d, List<String> classNames) {
        if (!d.labelled() || d.classNames().equals(classNames)) {
            return d;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            index.put(classNames.get(c), c);
        }
        int[] map = new int[d.numClasses()];
        List<String> unknown = new ArrayList<>();
        for (int c = 0; c < d.numClasses(); c++) {
            Integer to = index.get(d.classNames().get(c));
            map[c] = to == null ? -1 : to;
            if (to == null) {
                unknown.add("'" + d.classNames().get(c) + "'");
            }
        }
        int[] labels = new int[d.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = map[d.labels()[i]];
            if (labels[i] < 0) {
                throw new IllegalArgumentException(d.source() + ": class " + String.join(", ", unknown)
                        + " is not among the training classes " + abbreviate(classNames) + " (sample " + d.id(i) + ")");
            }
        }
        return new Relabelled(d, labels, classNames);
    }

    /**
     * Refuses labels that leave classes without samples, which happens when integer labels are not the numbers
     * 0..K-1 (a label byte of 200 among ten classes would make a 201-class problem): names the source, the largest
     * label and the row holding it, and the classes that have no samples.
     */
    public static void requireEveryClassPresent(Dataset d, String role) {
        if (!d.labelled()) {
            return;
        }
        int k = d.numClasses();
        int[] counts = new int[k];
        int maxRow = -1;
        for (int i = 0; i < d.size(); i++) {
            int y = d.labels()[i];
            counts[y]++;
            if (maxRow < 0 || y > d.labels()[maxRow]) {
                maxRow = i;
            }
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                missing.add(d.classNames().get(c));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String where = d.id(maxRow).equals(Integer.toString(maxRow)) ? "" : " (" + d.id(maxRow) + ")";
        throw new IllegalArgumentException(d.source() + ": " + k + " classes, but " + missing.size() + " of them ("
                + abbreviate(missing) + ") have no " + role + " samples; the largest label, "
                + d.classNames().get(d.labels()[maxRow]) + ", is at row " + maxRow + where
                + "; integer labels must number the classes 0..K-1");
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + ", ... " + names.get(names.size() - 1) + " (" + names.size() + ")";
    }

    /** A view of a dataset with other labels (and class names); reads go to the original. */
    private record Relabelled(Dataset inner, int[] labels, List<String> classNames) implements Dataset {

        @Override
        public String source() {
            return inner.source();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int[] sampleShape() {
            return inner.sampleShape();
        }

        @Override
        public String id(int i) {
            return inner.id(i);
        }

        @Override
        public void read(int i, float[] dst, int offset) {
            inner.read(i, dst, offset);
        }

        @Override
        public Dataset select(int[] indices) {
            int[] y = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                y[k] = labels[indices[k]];
            }
            return new Relabelled(inner.select(indices), y, classNames);
        }
    }
}
