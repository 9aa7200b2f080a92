package org.contrastive4j.spark;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.contrastive4j.core.image.DecodedImage;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageFit;

/**
 * The input column types the transformers take, and how one row's value becomes a raw sample (before the model's
 * mean/std, which the {@code Embedder} applies): flattened numbers as they are, encoded images decoded by
 * {@link ImageDecoder} and fitted by {@link ImageFit}, exactly like the command line.
 */
enum InputKind {
    /** {@code array<float>}: a flattened sample. */
    FLOATS("array<float>"),
    /** {@code array<double>}: a flattened sample (narrowed to float). */
    DOUBLES("array<double>"),
    /** Spark ML {@code Vector} (dense or sparse): a flattened sample. */
    VECTOR("vector"),
    /** {@code binary}: an encoded PNG/JPEG, e.g. the {@code content} column of the {@code binaryFile} source. */
    IMAGE_BYTES("binary (encoded image)");

    static final String ACCEPTED = "array<float>, array<double>, an ML vector, or binary (encoded PNG/JPEG images, "
            + "e.g. the 'content' column of spark.read.format(\"binaryFile\"))";

    private final String description;

    InputKind(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** The kind of a column type, or {@code null} when the transformers cannot read it. */
    static InputKind of(DataType type) {
        if (type instanceof ArrayType a) {
            DataType e = a.elementType();
            return e instanceof FloatType ? FLOATS : e instanceof DoubleType ? DOUBLES : null;
        }
        if (type instanceof VectorUDT) {
            return VECTOR;
        }
        return type instanceof BinaryType ? IMAGE_BYTES : null;
    }

    /**
     * Writes the raw sample of {@code row}'s column {@code col} to {@code dst[offset ..]}.
     *
     * @param shape the model's per-sample input shape ({@code [C, H, W]} for images)
     * @param decoder decodes images (unused for numbers)
     * @param rowId names the row in the decoder's messages
     * @return {@code null} when the row is good, else why it cannot be embedded (one line)
     */
    String fill(Row row, int col, int[] shape, int length, ImageDecoder decoder, String rowId, float[] dst, int offset) {
        if (row.isNullAt(col)) {
            return "input is null";
        }
        switch (this) {
            case FLOATS, DOUBLES -> {
                List<Object> values = row.getList(col);
                if (values.size() != length) {
                    return wrongCount(values.size(), length, shape);
                }
                for (int j = 0; j < length; j++) {
                    Object v = values.get(j);
                    if (v == null) {
                        return "null value at position " + j;
                    }
                    dst[offset + j] = ((Number) v).floatValue();
                }
            }
            case VECTOR -> {
                Vector v = (Vector) row.get(col);
                if (v.size() != length) {
                    return wrongCount(v.size(), length, shape);
                }
                double[] d = v.toArray();
                for (int j = 0; j < length; j++) {
                    dst[offset + j] = (float) d[j];
                }
            }
            case IMAGE_BYTES -> {
                byte[] bytes = (byte[]) row.get(col);
                try {
                    DecodedImage img = decoder.decode(bytes, rowId, shape[1], shape[2]);
                    ImageFit.toInput(img, shape[0], shape[1], shape[2], dst, offset);
                } catch (IOException | RuntimeException e) {
                    String m = String.valueOf(e.getMessage());
                    return m.startsWith(rowId + ": ") ? m.substring(rowId.length() + 2) : m;
                }
                return null; // decoded pixels are finite by construction
            }
            default -> throw new IllegalStateException("unknown input kind " + this);
        }
        for (int j = 0; j < length; j++) {
            float v = dst[offset + j];
            if (!Float.isFinite(v)) {
                return (Float.isNaN(v) ? "NaN" : "an infinite value") + " at position " + j + "; inputs must be finite numbers";
            }
        }
        return null;
    }

    private static String wrongCount(int got, int length, int[] shape) {
        return "expected " + length + " values per sample (model input " + Arrays.toString(shape) + ") but got " + got;
    }
}
