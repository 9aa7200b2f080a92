package org.contrastive4j.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Labels given as text (a CSV label column, a manifest's label column) turned into class indices, by one rule: labels
 * that are all non-negative integers keep their value (class names "0".."max", so files holding different subsets of
 * the classes agree); otherwise the distinct strings, sorted, become the class names.
 *
 * @param labels one class index per row
 * @param classNames class names by index
 */
record ClassLabels(int[] labels, List<String> classNames) {

    /** Integer labels above this are names, not indices (a column of ids or years is not a million classes). */
    static final int MAX_IDENTITY_LABEL = 1_000_000;

    static ClassLabels of(List<String> raw) {
        int[] y = new int[raw.size()];
        boolean integral = true;
        int max = -1;
        for (int i = 0; i < y.length && integral; i++) {
            try {
                int v = Integer.parseInt(raw.get(i));
                if (v < 0 || v > MAX_IDENTITY_LABEL) {
                    integral = false;
                } else {
                    y[i] = v;
                    max = Math.max(max, v);
                }
            } catch (NumberFormatException e) {
                integral = false;
            }
        }
        List<String> names = new ArrayList<>();
        if (integral) {
            for (int c = 0; c <= max; c++) {
                names.add(Integer.toString(c));
            }
        } else {
            names.addAll(new TreeSet<>(raw));
            for (int i = 0; i < y.length; i++) {
                y[i] = Collections.binarySearch(names, raw.get(i));
            }
        }
        return new ClassLabels(y, List.copyOf(names));
    }
}
