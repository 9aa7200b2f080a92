package org.contrastive4j.models.weights;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A state dict written by PyTorch's {@code torch.save}, read without Python: the zip layout of PyTorch 1.6+
 * ({@code <name>/data.pkl} + one {@code <name>/data/<key>} entry of raw little-endian bytes per storage) or the older
 * single stream (five pickles — magic number, protocol, system info, the object, the storage keys — then each storage
 * as an int64 element count and its bytes).
 *
 * <p>The pickle is read by {@link Unpickler}, which executes nothing; the only calls interpreted are
 * {@code torch._utils._rebuild_tensor_v2} and {@code _rebuild_parameter} on storages of the standard types. The state
 * dict is the pickled dict of tensors, or the one dict of tensors inside a checkpoint dict (preferring
 * {@code state_dict}), as training scripts save them. Every tensor's extent is checked against its storage and its
 * storage against the file before anything is read; tensors must be contiguous (state dicts are).
 */
public final class TorchSaveFile implements WeightFile {

    /** Larger pickles than this are refused (a ResNet-50 state dict's is about 40 kB). */
    static final long MAX_PICKLE_BYTES = 64L * 1024 * 1024;
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    /** A storage: where its bytes are (zip entry name, or offset in a legacy file), element type and count. */
    private record Storage(String key, DType dtype, long numel) {}

    /** A tensor view of a storage. */
    private record Tensor(Storage storage, long offset, long[] shape, long[] stride) {}

    private final Path path;
    private final String format;
    private final ZipFile zip;
    private final String prefix;
    private final FileChannel channel;
    private final Map<String, Long> legacyOffsets;
    private final Map<String, TensorEntry> entries;
    private final Map<String, Tensor> tensors;

    private TorchSaveFile(Path path, String format, ZipFile zip, String prefix, FileChannel channel,
            Map<String, Long> legacyOffsets, Map<String, Tensor> tensors) {
        this.path = path;
        this.format = format;
        this.zip = zip;
        this.prefix = prefix;
        this.channel = channel;
        this.legacyOffsets = legacyOffsets;
        this.tensors = tensors;
        Map<String, TensorEntry> e = new LinkedHashMap<>();
        tensors.forEach((name, t) -> e.put(name, new TensorEntry(name, t.storage().dtype(), t.shape())));
        this.entries = Collections.unmodifiableMap(e);
    }

    /** Opens a {@code torch.save} zip (PyTorch 1.6 and later). */
    public static TorchSaveFile openZip(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightsException(file, "not a readable zip (corrupt or truncated): " + e.getMessage(), e);
        }
        try {
            ZipEntry pkl = null;
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                String n = e.getName();
                if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                    if (pkl != null) {
                        throw new WeightsException(file, "zip holds several torch.save archives (" + pkl.getName() + ", " + n + ")");
                    }
                    pkl = e;
                }
            }
            if (pkl == null) {
                throw new WeightsException(file, "zip has no <name>/data.pkl entry: not a torch.save file");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo;
                try (InputStream in = zip.getInputStream(order)) {
                    bo = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
                }
                if (!bo.equals("little")) {
                    throw new WeightsException(file, "tensors are stored " + bo + "-endian; only little-endian is supported");
                }
            }
            long size = pkl.getSize();
            if (size > MAX_PICKLE_BYTES) {
                throw new WeightsException(file, pkl.getName() + " is " + size + " bytes, more than the "
                        + MAX_PICKLE_BYTES + "-byte limit for a state dict's pickle");
            }
            Map<String, Storage> storages = new LinkedHashMap<>();
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(pkl))) {
                Unpickler u = new Unpickler(file, in, pid -> storage(file, pid, storages), size < 0 ? MAX_PICKLE_BYTES : size);
                root = u.load();
            }
            for (Storage s : storages.values()) {
                ZipEntry data = zip.getEntry(prefix + "data/" + s.key());
                if (data == null) {
                    throw new WeightsException(file, "storage " + s.key() + " has no entry " + prefix + "data/" + s.key());
                }
                long need = s.numel() * s.dtype().bytes();
                if (data.getSize() >= 0 && data.getSize() < need) {
                    throw new WeightsException(file, "storage " + s.key() + " declares " + s.numel() + " " + s.dtype()
                            + " elements (" + need + " bytes), its entry holds " + data.getSize());
                }
            }
            Found found = stateDict(file, root);
            return new TorchSaveFile(file, "pytorch-zip" + found.where(), zip, prefix, null, null, found.tensors());
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Opens the pre-1.6 {@code torch.save} stream. */
    public static TorchSaveFile openLegacy(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long fileSize = ch.size();
            Map<String, Storage> storages = new LinkedHashMap<>();
            Unpickler u = new Unpickler(file, new BufferedInputStream(Channels.newInputStream(ch.position(0))),
                    pid -> storage(file, pid, storages), Math.min(fileSize, MAX_PICKLE_BYTES));
            Object magic = u.load();
            if (!(magic instanceof BigInteger b && b.equals(LEGACY_MAGIC))) {
                throw new WeightsException(file, "not a torch.save file (wrong magic number)");
            }
            Object protocol = u.load();
            if (!(protocol instanceof Long p && p == 1001L)) {
                throw new WeightsException(file, "torch.save protocol " + protocol + " is not supported (expected 1001)");
            }
            Object sysInfo = u.load();
            if (sysInfo instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian"))) {
                throw new WeightsException(file, "tensors are stored big-endian; only little-endian is supported");
            }
            Object root = u.load();
            Object keys = u.load();
            if (!(keys instanceof List<?> keyList)) {
                throw new WeightsException(file, "torch.save storage key list is missing");
            }
            Map<String, Long> offsets = new LinkedHashMap<>();
            long pos = u.position();
            ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (Object k : keyList) {
                Storage s = storages.get(String.valueOf(k));
                if (s == null) {
                    throw new WeightsException(file, "storage key " + k + " is listed but no tensor uses it");
                }
                if (pos + 8 > fileSize) {
                    throw new WeightsException(file, "storage " + k + " runs past the end of the file (truncated?)");
                }
                count.clear();
                WeightFiles.readFully(file, ch, count, pos);
                long numel = count.getLong(0);
                if (numel != s.numel()) {
                    throw new WeightsException(file, "storage " + k + " declares " + s.numel() + " elements, its data "
                            + numel);
                }
                pos += 8;
                offsets.put(s.key(), pos);
                pos += numel * s.dtype().bytes();
                if (pos > fileSize) {
                    throw new WeightsException(file, "storage " + k + " runs past the end of the file (truncated?)");
                }
            }
            for (Storage s : storages.values()) {
                if (!offsets.containsKey(s.key())) {
                    throw new WeightsException(file, "storage " + s.key() + " is used but not stored");
                }
            }
            Found found = stateDict(file, root);
            return new TorchSaveFile(file, "pytorch-legacy" + found.where(), null, null, ch, offsets, found.tensors());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A persistent id {@code ('storage', torch.FloatStorage, key, location, numel[, view])} as a storage. */
    private static Object storage(Path file, Object pid, Map<String, Storage> storages) throws WeightsException {
        if (!(pid instanceof Unpickler.Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw new WeightsException(file, "unsupported persistent id " + Unpickler.describe(pid) + " (expected a torch storage)");
        }
        if (!(t.get(1) instanceof Unpickler.Global g) || !g.module().equals("torch")) {
            throw new WeightsException(file, "storage type " + Unpickler.describe(t.get(1)) + " is not a torch storage type");
        }
        DType dtype = switch (g.name()) {
            case "FloatStorage" -> DType.F32;
            case "DoubleStorage" -> DType.F64;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "LongStorage" -> DType.I64;
            case "IntStorage" -> DType.I32;
            case "ShortStorage" -> DType.I16;
            case "CharStorage" -> DType.I8;
            case "ByteStorage" -> DType.U8;
            case "BoolStorage" -> DType.BOOL;
            default -> throw new WeightsException(file, "storage type torch." + g.name() + " is not supported");
        };
        if (t.size() > 5 && !Unpickler.isNone(t.get(5))) {
            throw new WeightsException(file, "storage views (PyTorch before 0.4) are not supported");
        }
        String key = String.valueOf(t.get(2));
        if (!(t.get(4) instanceof Long numel) || numel < 0 || numel > Long.MAX_VALUE / 8) {
            throw new WeightsException(file, "storage " + key + " has an invalid size " + t.get(4));
        }
        Storage s = new Storage(key, dtype, numel);
        Storage prev = storages.putIfAbsent(key, s);
        if (prev != null && !prev.equals(s)) {
            throw new WeightsException(file, "storage " + key + " is declared twice, differently");
        }
        return prev != null ? prev : s;
    }

    private record Found(String where, Map<String, Tensor> tensors) {}

    /** The state dict: {@code root} itself, or its one dict-of-tensors entry (preferring {@code state_dict}). */
    private static Found stateDict(Path file, Object root) throws WeightsException {
        Map<String, Tensor> direct = tensorsOf(file, root);
        if (direct != null) {
            return new Found("", direct);
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new WeightsException(file, "holds a " + Unpickler.describe(root) + ", not a state dict of tensors");
        }
        Map<String, Map<String, Tensor>> candidates = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Map<String, Tensor> t = tensorsOf(file, e.getValue());
            if (t != null) {
                candidates.put(String.valueOf(e.getKey()), t);
            }
        }
        if (candidates.size() == 1 || candidates.containsKey("state_dict")) {
            String key = candidates.containsKey("state_dict") ? "state_dict" : candidates.keySet().iterator().next();
            return new Found(" (state dict under '" + key + "')", candidates.get(key));
        }
        throw new WeightsException(file, candidates.isEmpty()
                ? "holds a dict without a state dict of tensors (keys: " + m.keySet() + ")"
                : "holds several state dicts " + candidates.keySet() + "; save the one to load on its own");
    }

    /** The map as name → tensor when it is a non-empty dict whose values are all tensors, else null. */
    private static Map<String, Tensor> tensorsOf(Path file, Object o) throws WeightsException {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) {
            return null;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Tensor t = tensor(file, String.valueOf(e.getKey()), e.getValue());
            if (t == null) {
                return null;
            }
            out.put(String.valueOf(e.getKey()), t);
        }
        return out;
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)} (or a parameter wrapping one), else null. */
    private static Tensor tensor(Path file, String name, Object o) throws WeightsException {
        if (!(o instanceof Unpickler.Call c) || !(c.callable() instanceof Unpickler.Global g)) {
            return null;
        }
        if (g.qualified().equals("torch._utils._rebuild_parameter") && !c.args().isEmpty()) {
            return tensor(file, name, c.args().get(0));
        }
        if (!g.qualified().equals("torch._utils._rebuild_tensor_v2")) {
            return null;
        }
        List<Object> a = c.args();
        if (a.size() < 4 || !(a.get(0) instanceof Storage s) || !(a.get(1) instanceof Long offset)
                || !(a.get(2) instanceof Unpickler.Tuple size) || !(a.get(3) instanceof Unpickler.Tuple stride)
                || size.size() != stride.size()) {
            throw new WeightsException(file, "tensor '" + name + "': unexpected _rebuild_tensor_v2 arguments");
        }
        long[] shape = longs(file, name, size);
        long[] strides = longs(file, name, stride);
        long numel = 1;
        long extent = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 0 && numel > SafeTensorsFile.MAX_ELEMENTS / shape[i]) {
                throw new WeightsException(file, "tensor '" + name + "' is too large");
            }
            numel *= shape[i];
            extent += (shape[i] - 1) * strides[i];
        }
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                throw new WeightsException(file, "tensor '" + name + "' is not contiguous (stride " + stride.items()
                        + " for size " + size.items() + "); save tensor.contiguous()");
            }
            expected *= shape[i];
        }
        if (offset < 0 || (numel > 0 && offset + extent + 1 > s.numel())) {
            throw new WeightsException(file, "tensor '" + name + "' " + size.items() + " at offset " + offset
                    + " runs past its storage of " + s.numel() + " elements");
        }
        return new Tensor(s, offset, shape, strides);
    }

    private static long[] longs(Path file, String name, Unpickler.Tuple t) throws WeightsException {
        long[] r = new long[t.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(t.get(i) instanceof Long v) || v < 0) {
                throw new WeightsException(file, "tensor '" + name + "': size/stride entry " + t.get(i) + " is not a non-negative integer");
            }
            r[i] = v;
        }
        return r;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public Map<String, TensorEntry> tensors() {
        return entries;
    }

    @Override
    public float[] floats(String name) throws IOException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new WeightsException(path, "no tensor '" + name + "'");
        }
        DType dtype = t.storage().dtype();
        if (!dtype.floating()) {
            throw new WeightsException(path, "tensor '" + name + "' is " + dtype + ", not a floating-point type");
        }
        long numel = entries.get(name).numel();
        long bytes = numel * dtype.bytes();
        if (bytes > SafeTensorsFile.MAX_ELEMENTS) {
            throw new WeightsException(path, "tensor '" + name + "' is too large to read at once");
        }
        long skip = t.offset() * dtype.bytes();
        ByteBuffer buf = ByteBuffer.allocate((int) bytes);
        if (zip != null) {
            ZipEntry e = zip.getEntry(prefix + "data/" + t.storage().key());
            try (InputStream in = zip.getInputStream(e)) {
                in.skipNBytes(skip);
                byte[] b = in.readNBytes((int) bytes);
                if (b.length != bytes) {
                    throw new WeightsException(path, "tensor '" + name + "': storage entry is truncated", new EOFException());
                }
                buf.put(b);
            } catch (EOFException e2) {
                throw new WeightsException(path, "tensor '" + name + "': storage entry is truncated", e2);
            }
        } else {
            WeightFiles.readFully(path, channel, buf, legacyOffsets.get(t.storage().key()) + skip);
        }
        buf.flip();
        float[] out = new float[(int) numel];
        dtype.toFloats(buf, out);
        return out;
    }

    @Override
    public void close() throws IOException {
        if (zip != null) {
            zip.close();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
