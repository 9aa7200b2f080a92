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
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * A checkpoint is one zip file: {@code spec.json} (how to rebuild the block tree), {@code model.params} (DJL's
 * {@code Block.saveParameters}), {@code provenance.json} (a string map) and any extra entries the trainer adds
 * (optimizer state, RNG, schedule position). Written atomically, so a crash never leaves a half-written checkpoint.
 */
public final class ModelCheckpoint {

    public static final String SPEC = "spec.json";
    public static final String PARAMS = "model.params";
    public static final String PROVENANCE = "provenance.json";
    private static final Set<String> RESERVED = Set.of(SPEC, PARAMS, PROVENANCE);
    private static final Gson GSON = new Gson();
    private static final Type STRING_MAP = new TypeToken<Map<String, String>>() {}.getType();

    /** A loaded checkpoint; the block's parameters live in the manager passed to {@link #load}. */
    public record Loaded(ModelSpec spec, EncoderBlock block, Map<String, String> provenance, Map<String, byte[]> extras) {}

    private ModelCheckpoint() {}

    public static void save(Path file, ModelSpec spec, Block block, Map<String, String> provenance,
                            Map<String, byte[]> extras) throws IOException {
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("cannot checkpoint an uninitialised block (call initialize first)");
        }
        Map<String, byte[]> extra = extras == null ? Map.of() : extras;
        for (String name : extra.keySet()) {
            if (name == null || name.isBlank() || RESERVED.contains(name) || name.endsWith("/")) {
                throw new IllegalArgumentException("checkpoint extra entry name '" + name + "' is empty, a directory or "
                        + "reserved (" + RESERVED + ")");
            }
        }
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        try (DataOutputStream dos = new DataOutputStream(params)) {
            block.saveParameters(dos);
        }
        String prov = GSON.toJson(new TreeMap<>(provenance == null ? Map.of() : provenance));
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            put(zip, SPEC, spec.toJson().getBytes(StandardCharsets.UTF_8));
            put(zip, PARAMS, params.toByteArray());
            put(zip, PROVENANCE, prov.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
            zip.finish();
        });
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Rebuilds the encoder from {@code spec.json}, initialises it in {@code manager} and loads its parameters. */
    public static Loaded load(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint not found");
        }
        Map<String, byte[]> entries = readEntries(file);
        ModelSpec spec;
        try {
            spec = ModelSpec.fromJson(new String(require(file, entries, SPEC), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + ": bad " + SPEC + ": " + e.getMessage(), e);
        }
        byte[] params = require(file, entries, PARAMS);
        Map<String, String> provenance;
        try {
            provenance = GSON.fromJson(new String(require(file, entries, PROVENANCE), StandardCharsets.UTF_8), STRING_MAP);
        } catch (JsonParseException e) {
            throw new IOException("checkpoint " + file + ": " + PROVENANCE + " is not a JSON string map: " + e.getMessage(), e);
        }
        EncoderBlock block = Encoders.build(spec);
        block.initialize(manager);
        // DJL loads whatever shapes the file holds, so compare with the shapes the spec implies
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            expected.put(p.getKey(), p.getValue().getArray().getShape());
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
            block.loadParameters(manager, in);
            if (in.available() > 0) {
                throw new MalformedModelException(in.available() + " bytes left over");
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                Shape got = p.getValue().getArray().getShape();
                if (!got.equals(expected.get(p.getKey()))) {
                    throw new MalformedModelException("parameter " + p.getKey() + " has shape " + got + ", expected "
                            + expected.get(p.getKey()));
                }
            }
        } catch (MalformedModelException | IOException | RuntimeException e) {
            throw new IOException("checkpoint " + file + ": " + PARAMS + " does not match the " + spec.family()
                    + " encoder described by " + SPEC + " (" + e.getMessage() + ")", e);
        }
        Map<String, byte[]> extras = new LinkedHashMap<>(entries);
        RESERVED.forEach(extras::remove);
        return new Loaded(spec, block, Map.copyOf(provenance == null ? Map.of() : provenance), Map.copyOf(extras));
    }

    private static byte[] require(Path file, Map<String, byte[]> entries, String name) throws IOException {
        byte[] b = entries.get(name);
        if (b == null) {
            throw new IOException("checkpoint " + file + " has no " + name + " entry (entries: " + entries.keySet() + ")");
        }
        return b;
    }

    private static Map<String, byte[]> readEntries(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                if (!e.isDirectory()) {
                    try (InputStream in = zip.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        } catch (ZipException | EOFException e) {
            throw new IOException("checkpoint " + file + " is not a readable zip (corrupt or truncated): " + e.getMessage(), e);
        }
        return entries;
    }
}
