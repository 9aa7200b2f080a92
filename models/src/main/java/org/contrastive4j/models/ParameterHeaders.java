package org.contrastive4j.models;

import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;

/**
 * Checks the array headers of DJL's parameter format before DJL reads it: DJL allocates each array's declared byte
 * length (off-heap) before reading its data, so a few crafted bytes could ask for 2 GiB. Every array header must
 * declare exactly shape × element size bytes, and those bytes must be in the file.
 */
final class ParameterHeaders {

    /** {@code DataOutputStream.writeUTF("NDAR")}: the start of every array DJL serialises. */
    private static final byte[] MARKER = {0, 4, 'N', 'D', 'A', 'R'};
    private static final int MAX_DIMS = 32;

    private ParameterHeaders() {}

    static void check(byte[] params) throws IOException {
        // Only array data is skipped between headers, and block metadata never contains the marker, so every array
        // header is found (a marker inside array data is never looked at).
        int pos = indexOf(params, 0);
        while (pos >= 0) {
            int dataEnd;
            try {
                dataEnd = checkArray(params, pos);
            } catch (EOFException e) {
                throw new IOException("array header at byte " + pos + " is truncated", e);
            } catch (ArithmeticException e) {
                throw new IOException("array at byte " + pos + " declares more values than fit in memory", e);
            }
            pos = indexOf(params, dataEnd);
        }
    }

    /** Validates the array whose header starts at {@code start}; returns the offset just after its data. */
    private static int checkArray(byte[] b, int start) throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(b, start + MARKER.length, b.length - start - MARKER.length);
        DataInputStream in = new DataInputStream(bytes);
        int version = in.readInt();
        if (version < 1 || version > 3) {
            throw new IOException("array at byte " + start + " has unknown encoding version " + version);
        }
        if (version > 1 && in.readByte() == 1) {
            in.readUTF(); // name
        }
        in.readUTF(); // sparse format
        String dtypeName = in.readUTF();
        DataType dtype;
        try {
            dtype = DataType.valueOf(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new IOException("array at byte " + start + " has unknown data type '" + dtypeName + "'");
        }
        if (dtype == DataType.STRING || dtype.getNumOfBytes() <= 0) {
            throw new IOException("array at byte " + start + " has non-numeric data type " + dtype);
        }
        int dims = in.readInt();
        if (dims < 0 || dims > MAX_DIMS) {
            throw new IOException("array at byte " + start + " declares " + dims + " dimensions");
        }
        long elements = 1;
        for (int i = 0; i < dims; i++) {
            long d = in.readLong();
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IOException("array at byte " + start + " declares dimension " + d);
            }
            elements = Math.multiplyExact(elements, d);
        }
        int layout = in.readInt();
        if (layout < 0 || layout > MAX_DIMS) {
            throw new IOException("array at byte " + start + " declares a layout of " + layout + " characters");
        }
        in.skipNBytes(2L * layout);
        if (version > 2) {
            in.readByte(); // byte order
        }
        int length = in.readInt();
        long expected = Math.multiplyExact(elements, (long) dtype.getNumOfBytes());
        if (length != expected || length > bytes.available()) {
            throw new IOException("array at byte " + start + " declares " + length + " data bytes for " + elements + " "
                    + dtype.toString().toLowerCase(Locale.ROOT) + " values; " + bytes.available() + " bytes follow");
        }
        return b.length - bytes.available() + length;
    }

    private static int indexOf(byte[] b, int from) {
        outer:
        for (int i = from; i <= b.length - MARKER.length; i++) {
            for (int k = 0; k < MARKER.length; k++) {
                if (b[i + k] != MARKER[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
