package org.contrastive4j.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * A checkpoint is one zip file: {@code format_version} (the layout version, {@value #FORMAT_VERSION}),
 * {@code spec.json} (how to rebuild the block tree), {@code model.params} (DJL's {@code Block.saveParameters}),
 * {@code provenance.json} (a string map) and any extra entries the trainer adds (optimizer state, trainer state).
 * Written atomically, so a crash never leaves a half-written checkpoint.
 *
 * <p>Format history: 1 had no {@code format_version} entry (a checkpoint without one is format 1 and loads); 2 adds
 * it. A newer format is refused. Reading treats the file as untrusted: entry names are checked (flat, unique, never
 * resolved to paths), only the entries asked for are read, and each is limited in size by its zip header and again
 * while it is inflated, so a small crafted file cannot make the loader allocate gigabytes.
 */
public final class ModelCheckpoint {

    public static final String FORMAT = "format_version";
    public static final String SPEC = "spec.json";
    public static final String PARAMS = "model.params";
    public static final String PROVENANCE = "provenance.json";
    /** The format this code writes; it reads every format from 1 up to this one. */
    public static final int FORMAT_VERSION = 2;

    static final long SPEC_LIMIT = 1L << 20;
    static final long PROVENANCE_LIMIT = 64L << 20;
    static final long FORMAT_LIMIT = 64;
    static final int MAX_ENTRIES = 1024;
    /** Flat names only: no separators, no leading dot, no "..", nothing a file system could interpret. */
    private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Set<String> RESERVED = Set.of(FORMAT, SPEC, PARAMS, PROVENANCE);
    private static final Gson GSON = new Gson();
    private static final Type STRING_MAP = new TypeToken<Map<String, String>>() {}.getType();

    /**
     * A loaded checkpoint; the block's parameters live in the manager passed to {@link #load}. {@code extras} holds
     * the extra entries that were asked for and present.
     */
    public record Loaded(ModelSpec spec, EncoderBlock block, Map<String, String> provenance, Map<String, byte[]> extras,
            int formatVersion) {}

    private ModelCheckpoint() {}

    public static void save(Path file, ModelSpec spec, Block block, Map<String, String> provenance,
                            Map<String, byte[]> extras) throws IOException {
        AtomicFiles.write(file, out -> write(out, spec, block, provenance, extras));
    }

    /** Writes a checkpoint to {@code out} (for writers that manage the file themselves; {@link #save} is atomic). */
    public static void write(OutputStream out, ModelSpec spec, Block block, Map<String, String> provenance,
                             Map<String, byte[]> extras) throws IOException {
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("cannot checkpoint an uninitialised block (call initialize first)");
        }
        Map<String, byte[]> extra = extras == null ? Map.of() : extras;
        for (String name : extra.keySet()) {
            if (name == null || RESERVED.contains(name) || !ENTRY_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("checkpoint extra entry name '" + name + "' is reserved (" + RESERVED
                        + ") or not a flat name of letters, digits, '.', '_' and '-'");
            }
        }
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        try (DataOutputStream dos = new DataOutputStream(params)) {
            block.saveParameters(dos);
        }
        String prov = GSON.toJson(new TreeMap<>(provenance == null ? Map.of() : provenance));
        ZipOutputStream zip = new ZipOutputStream(out);
        put(zip, FORMAT, Integer.toString(FORMAT_VERSION).getBytes(StandardCharsets.UTF_8));
        put(zip, SPEC, spec.toJson().getBytes(StandardCharsets.UTF_8));
        put(zip, PARAMS, params.toByteArray());
        put(zip, PROVENANCE, prov.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> e : extra.entrySet()) {
            put(zip, e.getKey(), e.getValue());
        }
        zip.finish();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Rebuilds the encoder from {@code spec.json}, initialises it in {@code manager} and loads its parameters. */
    public static Loaded load(Path file, NDManager manager) throws IOException {
        return load(file, manager, Map.of());
    }

    /**
     * As {@link #load(Path, NDManager)}, and also reads the extra entries named in {@code extras} (name → the most
     * bytes it may hold) that the checkpoint has; other entries are never read.
     */
    public static Loaded load(Path file, NDManager manager, Map<String, Long> extras) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint not found");
        }
        try (ZipFile zip = open(file)) {
            Map<String, ZipEntry> entries = index(file, zip);
            int format = formatVersion(file, zip, entries);
            ModelSpec spec;
            try {
                spec = ModelSpec.fromJson(new String(read(file, zip, require(file, entries, SPEC), SPEC_LIMIT),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException("checkpoint " + file + ": bad " + SPEC + ": " + e.getMessage(), e);
            }
            Map<String, String> provenance;
            try {
                provenance = GSON.fromJson(new String(read(file, zip, require(file, entries, PROVENANCE), PROVENANCE_LIMIT),
                        StandardCharsets.UTF_8), STRING_MAP);
            } catch (JsonParseException e) {
                throw new IOException("checkpoint " + file + ": " + PROVENANCE + " is not a JSON string map: " + e.getMessage(), e);
            }
            ZipEntry paramsEntry = require(file, entries, PARAMS);
            EncoderBlock block = Encoders.build(spec);
            block.initialize(manager);
            // DJL loads whatever shapes the file holds, so compare with the shapes the spec implies
            Map<String, Shape> expected = new LinkedHashMap<>();
            long floats = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                Shape shape = p.getValue().getArray().getShape();
                expected.put(p.getKey(), shape);
                floats += shape.size();
            }
            // values plus DJL's per-parameter headers (names, shapes, block metadata), with room to spare
            long paramsLimit = 4 * floats + 4096L * expected.size() + (1L << 20);
            byte[] params = read(file, zip, paramsEntry, paramsLimit);
            loadParameters(file, spec, block, manager, params, expected);
            Map<String, byte[]> extra = new LinkedHashMap<>();
            for (Map.Entry<String, Long> wanted : extras.entrySet()) {
                ZipEntry e = entries.get(wanted.getKey());
                if (e != null) {
                    extra.put(wanted.getKey(), read(file, zip, e, wanted.getValue()));
                }
            }
            return new Loaded(spec, block, Map.copyOf(provenance == null ? Map.of() : provenance), Map.copyOf(extra), format);
        }
    }

    /**
     * One entry's bytes (at most {@code limit}), or null when the checkpoint has no such entry; the file is checked
     * as by {@link #load} (names, format version) and nothing else is read.
     */
    public static byte[] readEntry(Path file, String name, long limit) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint not found");
        }
        try (ZipFile zip = open(file)) {
            Map<String, ZipEntry> entries = index(file, zip);
            formatVersion(file, zip, entries);
            ZipEntry e = entries.get(name);
            return e == null ? null : read(file, zip, e, limit);
        }
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException | EOFException e) {
            throw new IOException("checkpoint " + file + " is not a readable zip (corrupt or truncated): " + e.getMessage(), e);
        }
    }

    /** Every entry by name, after checking that names are flat, unique and few. */
    private static Map<String, ZipEntry> index(Path file, ZipFile zip) throws IOException {
        if (zip.size() > MAX_ENTRIES) {
            throw new IOException("checkpoint " + file + " has " + zip.size() + " zip entries (at most " + MAX_ENTRIES
                    + " expected)");
        }
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry e = all.nextElement();
            String name = e.getName();
            if (!ENTRY_NAME.matcher(name).matches()) {
                throw new IOException("checkpoint " + file + " has a zip entry with an unexpected name '"
                        + printable(name) + "' (entries are flat names like " + SPEC + ")");
            }
            if (entries.put(name, e) != null) {
                throw new IOException("checkpoint " + file + " has two zip entries named '" + name + "'");
            }
        }
        return entries;
    }

    private static String printable(String name) {
        String s = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static int formatVersion(Path file, ZipFile zip, Map<String, ZipEntry> entries) throws IOException {
        ZipEntry e = entries.get(FORMAT);
        if (e == null) {
            return 1;
        }
        String text = new String(read(file, zip, e, FORMAT_LIMIT), StandardCharsets.UTF_8).trim();
        int version;
        try {
            version = Integer.parseInt(text);
        } catch (NumberFormatException nfe) {
            throw new IOException("checkpoint " + file + ": " + FORMAT + " is '" + printable(text) + "', not a number");
        }
        if (version > FORMAT_VERSION) {
            throw new IOException("checkpoint " + file + " has format version " + version + "; this contrastive4j reads "
                    + "versions 1 to " + FORMAT_VERSION + " (use a newer contrastive4j)");
        }
        if (version < 1) {
            throw new IOException("checkpoint " + file + " has an invalid format version " + version);
        }
        return version;
    }

    private static ZipEntry require(Path file, Map<String, ZipEntry> entries, String name) throws IOException {
        ZipEntry e = entries.get(name);
        if (e == null) {
            throw new IOException("checkpoint " + file + " has no " + name + " entry (entries: " + entries.keySet() + ")");
        }
        return e;
    }

    /**
     * The entry's bytes, at most {@code limit}: refused from the header's declared size before anything is inflated,
     * and again while inflating (headers can lie), so memory never exceeds the limit.
     */
    static byte[] read(Path file, ZipFile zip, ZipEntry entry, long limit) throws IOException {
        String name = entry.getName();
        long declared = entry.getSize();
        if (declared > limit) {
            throw new IOException("checkpoint " + file + ": entry " + name + " declares " + declared + " bytes, more than "
                    + "the " + limit + " it may hold");
        }
        long bound = declared >= 0 ? declared : limit;
        try (InputStream in = zip.getInputStream(entry)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bound, 1 << 16));
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
                if (total > bound) {
                    throw new IOException("checkpoint " + file + ": entry " + name + " inflates to more than "
                            + (declared >= 0 ? "its declared " + declared : "the " + limit) + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (ZipException | EOFException e) {
            throw new IOException("checkpoint " + file + ": entry " + name + " is corrupt or truncated: " + e.getMessage(), e);
        }
    }

    private static void loadParameters(Path file, ModelSpec spec, EncoderBlock block, NDManager manager, byte[] params,
            Map<String, Shape> expected) throws IOException {
        try {
            ParameterHeaders.check(params);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
                block.loadParameters(manager, in);
                if (in.available() > 0) {
                    throw new MalformedModelException(in.available() + " bytes left over");
                }
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                Shape got = p.getValue().getArray().getShape();
                if (!got.equals(expected.get(p.getKey()))) {
                    throw new MalformedModelException("parameter " + p.getKey() + " has shape " + got + ", expected "
                            + expected.get(p.getKey()));
                }
            }
        } catch (MalformedModelException | IOException | RuntimeException | OutOfMemoryError e) {
            throw new IOException("checkpoint " + file + ": " + PARAMS + " does not match the " + spec.family()
                    + " encoder described by " + SPEC + " (" + e.getMessage() + ")", e);
        }
    }
}
