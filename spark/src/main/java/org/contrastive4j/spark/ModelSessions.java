package org.contrastive4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime sessions (and k-NN indexes) of this JVM: one per model, shared by every task thread of an
 * executor, never one per partition or row. A session is keyed by the model's SHA-256 plus what changes the session
 * itself (device, intra-op threads, batch size); output name and L2 normalisation are applied per call, so an
 * embedder and a classifier on the same model share one session.
 *
 * <p>Sessions are handed out as {@link Lease}s. This class owns every session: {@link #closeAll()} (and the JVM's
 * shutdown hook) closes the idle ones at once and each leased one when its last lease is returned, so closing is safe
 * while tasks are still running.
 */
public final class ModelSessions {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSessions.class);
    private static final Map<Key, Entry> SESSIONS = new ConcurrentHashMap<>();
    private static final Map<String, KnnIndex> INDEXES = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelSessions::closeAll, "c4j-close-onnx-sessions"));
    }

    private ModelSessions() {}

    /** What identifies a session. */
    record Key(String modelSha256, String device, int intraOpThreads, int batchSize) {}

    /** A borrowed session; return it with {@link #close()} (idempotent). */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean returned;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public Embedder embedder() {
            return entry.embedder;
        }

        @Override
        public synchronized void close() {
            if (!returned) {
                returned = true;
                entry.release();
            }
        }
    }

    private static final class Entry {
        final Embedder embedder;
        int leases;
        boolean retired;

        Entry(Embedder embedder) {
            this.embedder = embedder;
        }

        synchronized boolean acquire() {
            if (retired) {
                return false;
            }
            leases++;
            return true;
        }

        synchronized void release() {
            leases--;
            if (retired && leases == 0) {
                embedder.close();
            }
        }

        synchronized void retire() {
            retired = true;
            if (leases == 0) {
                embedder.close();
            }
        }
    }

    /**
     * Leases the session for {@code model}, opening it (once per JVM and key) from the model's local copy.
     * Spinning is off: a task's intra-op threads sleep between batches instead of burning the executor's cores.
     */
    static Lease lease(ShippedFile model, DeviceSpec device, int intraOpThreads, int batchSize) throws IOException {
        Key key = new Key(model.sha256(), device.toString(), intraOpThreads, batchSize);
        while (true) {
            Entry e = SESSIONS.get(key);
            if (e == null) {
                synchronized (SESSIONS) {
                    e = SESSIONS.get(key);
                    if (e == null) {
                        e = new Entry(open(model, key, device));
                        SESSIONS.put(key, e);
                    }
                }
            }
            if (e.acquire()) {
                return new Lease(e);
            }
            SESSIONS.remove(key, e); // retired by closeAll() meanwhile: open a fresh one
        }
    }

    private static Embedder open(ShippedFile model, Key key, DeviceSpec device) throws IOException {
        EmbedderOptions options = EmbedderOptions.builder().device(device).intraOpThreads(key.intraOpThreads())
                .batchSize(key.batchSize()).spinning(false).build();
        Embedder embedder = Embedder.open(model.local(), options);
        if (!embedder.info().sha256().equals(model.sha256())) {
            embedder.close();
            throw new IOException(model.source() + ": local copy has SHA-256 " + embedder.info().sha256() + ", expected "
                    + model.sha256());
        }
        OPENED.incrementAndGet();
        LOG.info("opened ONNX Runtime session for {} ({} intra-op threads, device {})", model, key.intraOpThreads(),
                embedder.info().device());
        return embedder;
    }

    /** The k-NN index shipped as {@code index}, loaded once per JVM. */
    static KnnIndex index(ShippedFile index) throws IOException {
        KnnIndex cached = INDEXES.get(index.sha256());
        if (cached != null) {
            return cached;
        }
        synchronized (INDEXES) {
            cached = INDEXES.get(index.sha256());
            if (cached == null) {
                cached = KnnIndex.load(index.local());
                INDEXES.put(index.sha256(), cached);
            }
            return cached;
        }
    }

    /** How many sessions this JVM has opened so far (each model once, unless {@link #closeAll()} intervened). */
    public static int openedCount() {
        return OPENED.get();
    }

    /** How many sessions are open now. */
    public static int openCount() {
        return SESSIONS.size();
    }

    /**
     * Closes every session of this JVM (a leased one when its last lease is returned) and drops the cached indexes;
     * the next use opens them again.
     */
    public static void closeAll() {
        List<Entry> entries;
        synchronized (SESSIONS) {
            entries = new ArrayList<>(SESSIONS.values());
            SESSIONS.clear();
        }
        INDEXES.clear();
        for (Entry e : entries) {
            e.retire();
        }
    }
}
