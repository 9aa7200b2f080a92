package org.contrastive4j.models;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files byte by byte, so tests can give an entry any declared size, name or content — things
 * {@code ZipOutputStream} refuses to produce (duplicate names, sizes that lie, 3 GiB of zeros in 3 MB).
 */
final class CraftedZip {

    /** One entry: its raw deflate data and the uncompressed size its headers declare. */
    record Entry(String name, byte[] deflated, long declaredSize, long crc) {}

    private final List<Entry> entries = new ArrayList<>();

    CraftedZip add(Entry e) {
        entries.add(e);
        return this;
    }

    /** An honest entry: {@code data} deflated, with its real size and CRC. */
    CraftedZip add(String name, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return add(new Entry(name, deflate(data), data.length, crc.getValue()));
    }

    /** Raw deflate data of {@code mib} MiB of zeros, about 1 KiB per MiB (built from one repeated flushed block). */
    static byte[] zeros(int mib) {
        Deflater d = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] first = flush(d, zeros);
        byte[] repeated = flush(d, zeros); // the window is all zeros from here on, so this block decodes the same anywhere
        out.writeBytes(first);
        for (int i = 1; i < mib; i++) {
            out.writeBytes(repeated);
        }
        d.finish();
        byte[] buf = new byte[64];
        for (int n = d.deflate(buf); n > 0; n = d.deflate(buf)) {
            out.write(buf, 0, n);
        }
        d.end();
        return out.toByteArray();
    }

    private static byte[] flush(Deflater d, byte[] input) {
        d.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(6, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            int n = d.deflate(buf);
            out.write(buf, 0, n);
        }
        d.end();
        return out.toByteArray();
    }

    void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            List<Long> offsets = new ArrayList<>();
            long pos = 0;
            for (Entry e : entries) {
                offsets.add(pos);
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                ByteBuffer h = le(30 + name.length);
                h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0)
                        .putInt((int) e.crc()).putInt(e.deflated().length).putInt((int) e.declaredSize())
                        .putShort((short) name.length).putShort((short) 0).put(name);
                out.write(h.array());
                out.write(e.deflated());
                pos += h.capacity() + e.deflated().length;
            }
            long cdStart = pos;
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                ByteBuffer c = le(46 + name.length);
                c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8)
                        .putInt(0).putInt((int) e.crc()).putInt(e.deflated().length).putInt((int) e.declaredSize())
                        .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                        .putShort((short) 0).putInt(0).putInt((int) (long) offsets.get(i)).put(name);
                out.write(c.array());
                pos += c.capacity();
            }
            ByteBuffer end = le(22);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                    .putShort((short) entries.size()).putInt((int) (pos - cdStart)).putInt((int) cdStart).putShort((short) 0);
            out.write(end.array());
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
