package org.contrastive4j.models.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Element types of stored tensors, named as safetensors names them. The floating-point ones convert to float32; the
 * others are listed so that files holding them (e.g. BatchNorm's int64 {@code num_batches_tracked}) can be read.
 */
public enum DType {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U64(8, false), U32(4, false), U16(2, false), U8(1, false),
    BOOL(1, false), F8_E4M3(1, false), F8_E5M2(1, false);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    public int bytes() {
        return bytes;
    }

    /** Whether {@link #toFloats} converts this type (F64, F32, F16, BF16). */
    public boolean floating() {
        return floating;
    }

    /** The type named {@code name} (safetensors spelling), or null. */
    public static DType parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name.toUpperCase(Locale.ROOT))) {
                return d;
            }
        }
        return null;
    }

    /** Converts {@code dst.length} little-endian elements of this (floating) type from {@code src} to float32. */
    void toFloats(ByteBuffer src, float[] dst) {
        ByteBuffer b = src.order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32 -> b.asFloatBuffer().get(dst);
            case F64 -> {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = (float) b.getDouble(b.position() + 8 * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = halfToFloat(b.getShort(b.position() + 2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = Float.intBitsToFloat((b.getShort(b.position() + 2 * i) & 0xffff) << 16);
                }
            }
            default -> throw new IllegalStateException(this + " is not a floating-point type");
        }
    }

    /** IEEE 754 binary16 to float32, exact (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exactly representable in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
