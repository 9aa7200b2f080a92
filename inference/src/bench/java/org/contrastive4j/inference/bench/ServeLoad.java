package org.contrastive4j.inference.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.device.CpuCores;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;

/**
 * Load test of a running {@code c4j serve} over loopback: C concurrent clients, each on its own keep-alive HTTP/1.1
 * connection and all driven by one thread ({@link Clients}), send single-image {@code /embed} requests (Fashion-MNIST
 * test images as base64 PNG) as fast as answers come, for a fixed time per phase; bounded in time, it stops by itself.
 * Per phase: requests/s, p50 / p99 latency, errors, the batch sizes the server formed (from its /metrics), the cores
 * the server and the load clients used, the server's RSS. Next to it, in this JVM while the server idles, the
 * in-process {@link Embedder} throughput at batch 64 on the same images, with default options, measured before and
 * after the phases so that machine load shows up as a spread. Writes a Markdown table, a CSV of the soak's RSS and
 * throughput, and a PNG of it.
 *
 * <p>Then the comparison that the target is judged on, interleaved: C clients for S seconds, then the in-process
 * reference for S seconds, N times over ({@code C:NxS}), so that both see the same machine. On a shared VM the
 * machine's speed drifts by 10-20 % over minutes, and a reference measured only before and after the phases can be
 * off by that much; the interleaved ratio is the sum of requests over the server's seconds against the sum of images
 * over the reference's seconds, with the spread of the slices' own ratios beside it.
 *
 * <p>Usage: ServeLoad URL SERVER_PID MODEL IDX_DIR OUT_DIR [PHASES=1:30,16:30,64:30] [SOAK=64:600]
 * [INTERLEAVED=64:6x5] (phase = clients:seconds; a soak of 0 seconds skips it, an interleaved count of 0 too).
 */
public final class ServeLoad {

    private static final int REFERENCE_BATCH = 64;
    private static final int WARMUP_SECONDS = 3;
    private static final String TABLE_HEAD = "| clients | seconds | requests | requests/s | requests per server CPU-s | server cores | load-client cores "
            + "| p50 ms | p99 ms | errors | mean batch rows | batches by rows | server RSS MB |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    private static final Pattern BUCKET = Pattern.compile("(?m)^c4j_serve_batch_rows_bucket\\{le=\"([^\"]+)\"\\} (\\d+)$");
    private static final Pattern SUM = Pattern.compile("(?m)^c4j_serve_batch_rows_sum (\\S+)$");
    private static final Pattern COUNT = Pattern.compile("(?m)^c4j_serve_batch_rows_count (\\d+)$");

    private ServeLoad() {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        long pid = Long.parseLong(args[1]);
        Path model = Path.of(args[2]);
        Samples images = DataSources.load(Path.of(args[3]), LoadOptions.builder().split("test").build());
        Path out = Files.createDirectories(Path.of(args[4]));
        String phases = args.length > 5 ? args[5] : "1:30,16:30,64:30";
        String soak = args.length > 6 ? args[6] : "64:600";
        String interleaved = args.length > 7 ? args[7] : "64:6x5";

        List<byte[]> requests = requests(url, images, 1000);
        System.out.printf(Locale.ROOT, "%d request bodies of one %s image each (%.0f bytes on average)%n", requests.size(),
                Arrays.toString(images.sampleShape()), requests.stream().mapToInt(b -> b.length).average().orElse(0));

        List<String> rows = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        double load0 = loadAverage();
        Rate refBefore = reference(model, images, 10);
        System.out.printf(Locale.ROOT, "in-process Embedder (default options: %d intra-op threads, one per physical core), batch %d: "
                + "%.0f images/s, %.0f per CPU-second%n", CpuCores.physical(), REFERENCE_BATCH, refBefore.perSecond(),
                refBefore.perCpuSecond());
        for (String phase : phases.split(",")) {
            String[] p = phase.split(":");
            Result r = phase(url, pid, requests, Integer.parseInt(p[0]), Integer.parseInt(p[1]), null);
            results.add(r);
            rows.add(r.row());
            System.out.println(r.row());
        }
        Rate refAfter = reference(model, images, 10);
        System.out.printf(Locale.ROOT, "in-process Embedder, batch %d: %.0f images/s, %.0f per CPU-second%n", REFERENCE_BATCH,
                refAfter.perSecond(), refAfter.perCpuSecond());
        double load1 = loadAverage();

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "load average (1 min) %.1f before, %.1f after the phases; %d cores%n%n", load0, load1,
                Runtime.getRuntime().availableProcessors()));
        md.append(String.format(Locale.ROOT, "in-process Embedder at batch %d (%d intra-op threads): %.0f images/s (%.0f per CPU-second) "
                + "before the phases, %.0f (%.0f) after%n%n", REFERENCE_BATCH, CpuCores.physical(), refBefore.perSecond(), refBefore.perCpuSecond(), refAfter.perSecond(),
                refAfter.perCpuSecond()));
        md.append(TABLE_HEAD);
        rows.forEach(r -> md.append(r).append('\n'));
        double refWall = (refBefore.perSecond() + refAfter.perSecond()) / 2;
        double refCpu = (refBefore.perCpuSecond() + refAfter.perCpuSecond()) / 2;
        for (Result r : results) {
            if (r.clients() == 64) {
                md.append(String.format(Locale.ROOT, "%n64 clients vs the in-process Embedder at batch %d (mean of before and after): "
                        + "%.2f of its images/s, %.2f of its images per CPU-second%n", REFERENCE_BATCH, r.perSecond() / refWall,
                        r.perServerCpuSecond() / refCpu));
            }
        }
        Matcher im = Pattern.compile("(\\d+):(\\d+)x(\\d+)").matcher(interleaved);
        if (!im.matches()) {
            throw new IllegalArgumentException("INTERLEAVED must be C:NxS, got " + interleaved);
        }
        if (Integer.parseInt(im.group(2)) > 0) {
            md.append('\n').append(interleaved(url, pid, requests, model, images, Integer.parseInt(im.group(1)),
                    Integer.parseInt(im.group(2)), Integer.parseInt(im.group(3))));
        }
        String[] s = soak.split(":");
        if (Integer.parseInt(s[1]) > 0) {
            List<double[]> samples = new ArrayList<>();
            Result r = phase(url, pid, requests, Integer.parseInt(s[0]), Integer.parseInt(s[1]), samples);
            md.append(String.format(Locale.ROOT, "%nsoak:%n%n")).append(TABLE_HEAD).append(r.row()).append('\n');
            System.out.println(r.row() + " (soak)");
            double first = samples.get(0)[1];
            double last = samples.get(samples.size() - 1)[1];
            double max = samples.stream().mapToDouble(x -> x[1]).max().orElse(0);
            md.append(String.format(Locale.ROOT, "%nsoak RSS: %.1f MB at the start, %.1f MB at the end (%+.1f%%), peak %.1f MB%n",
                    first, last, 100 * (last - first) / first, max));
            StringBuilder csv = new StringBuilder("seconds,rss_mb,requests_per_s\n");
            for (double[] x : samples) {
                csv.append(String.format(Locale.ROOT, "%.0f,%.1f,%.0f%n", x[0], x[1], x[2]));
            }
            Files.writeString(out.resolve("soak.csv"), csv);
            plot(samples, out.resolve("soak.png"));
        }
        Files.writeString(out.resolve("results.md"), md);
        System.out.print(md);
    }

    /**
     * {@code slices} times: {@code clients} clients for {@code seconds} (after the phase's own 2 s of warm-up), then
     * the in-process reference for {@code seconds} while the server idles. Returns the Markdown lines of the result.
     */
    private static String interleaved(URI url, long pid, List<byte[]> requests, Path model, Samples images, int clients,
            int slices, int seconds) throws Exception {
        Samples batch = images.head(REFERENCE_BATCH);
        long requestsDone = 0;
        double serverSeconds = 0;
        long imagesDone = 0;
        double referenceSeconds = 0;
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        StringBuilder perSlice = new StringBuilder();
        try (Embedder e = Embedder.open(model, EmbedderOptions.builder().batchSize(REFERENCE_BATCH).build())) {
            warmUp(e, batch);
            for (int i = 0; i < slices; i++) {
                Result r = phase(url, pid, requests, clients, seconds, null);
                if (r.errors() > 0) {
                    throw new IllegalStateException(r.errors() + " errors in interleaved slice " + (i + 1));
                }
                long t0 = System.nanoTime();
                long n = embedFor(e, batch, seconds);
                double refWall = (System.nanoTime() - t0) / 1e9;
                requestsDone += r.requests();
                serverSeconds += r.requests() / r.perSecond();
                imagesDone += n;
                referenceSeconds += refWall;
                double ratio = r.perSecond() / (n / refWall);
                minRatio = Math.min(minRatio, ratio);
                maxRatio = Math.max(maxRatio, ratio);
                String line = String.format(Locale.ROOT, "slice %d: %.0f requests/s, reference %.0f images/s, ratio %.3f%n", i + 1,
                        r.perSecond(), n / refWall, ratio);
                System.out.print(line);
                perSlice.append("- ").append(line);
            }
        }
        double server = requestsDone / serverSeconds;
        double reference = imagesDone / referenceSeconds;
        String result = String.format(Locale.ROOT, "interleaved, %d slices of %d s each: %d clients %.0f requests/s, in-process "
                + "Embedder at batch %d %.0f images/s: **%.3f** of its images/s (slices %.3f to %.3f)%n%n", slices, seconds, clients,
                server, REFERENCE_BATCH, reference, server / reference, minRatio, maxRatio);
        System.out.print(result);
        return result + perSlice;
    }

    /** Embeds {@code batch} again and again for {@code seconds}; returns the images embedded. */
    private static long embedFor(Embedder e, Samples batch, int seconds) {
        long n = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            e.embed(batch);
            n += batch.size();
        }
        return n;
    }

    private static void warmUp(Embedder e, Samples batch) {
        // Warmed for a fixed time rather than a few calls, so that the JIT has compiled the embedding path before
        // the clock starts.
        long warm = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < warm) {
            e.embed(batch);
        }
    }

    /** One raw HTTP/1.1 request per image: {"images": ["<base64 PNG>"]}. */
    private static List<byte[]> requests(URI url, Samples images, int count) throws IOException {
        int[] shape = images.sampleShape();
        int h = shape[1];
        int w = shape[2];
        float[] px = new float[images.sampleLength()];
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, images.size()); i++) {
            images.read(i, px, 0);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.getRaster().setSample(x, y, 0, Math.round(px[y * w + x] * 255));
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            byte[] body = ("{\"images\":[\"" + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"]}")
                    .getBytes(StandardCharsets.US_ASCII);
            String head = "POST /embed HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] req = new byte[head.length() + body.length];
            System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, req, 0, head.length());
            System.arraycopy(body, 0, req, head.length(), body.length);
            out.add(req);
        }
        return out;
    }

    /** Throughput as wall-clock rate and per CPU-second of the process doing the work. */
    private record Rate(double perSecond, double perCpuSecond) {}

    /**
     * Images per second of Embedder.embed(Samples) at batch 64 over {@code seconds} after {@link #WARMUP_SECONDS} of
     * warm-up, in this JVM, and per CPU-second of this process (ONNX Runtime's threads included; the load clients are
     * idle then).
     */
    private static Rate reference(Path model, Samples images, int seconds) throws IOException {
        Samples batch = images.head(REFERENCE_BATCH);
        try (Embedder e = Embedder.open(model, EmbedderOptions.builder().batchSize(REFERENCE_BATCH).build())) {
            // (The reference before the phases still tends to read lower than the one after them; the ratio uses their
            // mean, and the interleaved comparison sidesteps the drift.)
            warmUp(e, batch);
            double cpu0 = cpuSeconds(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long n = embedFor(e, batch, seconds);
            double wall = (System.nanoTime() - t0) / 1e9;
            return new Rate(n / wall, n / (cpuSeconds(ProcessHandle.current().pid()) - cpu0));
        }
    }

    private record Result(int clients, int seconds, long requests, double perSecond, double perServerCpuSecond,
            double serverCores, double clientCores, double p50, double p99, long errors, double meanBatch, String batches,
            double rssMb) {
        String row() {
            return String.format(Locale.ROOT, "| %d | %d | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %.1f | %s | %.1f |",
                    clients, seconds, requests, perSecond, perServerCpuSecond, serverCores, clientCores, p50, p99, errors,
                    meanBatch, batches, rssMb);
        }
    }

    /** Runs {@code clients} closed-loop clients for {@code seconds}; with {@code samples}, records RSS and rate every 10 s. */
    private static Result phase(URI url, long pid, List<byte[]> requests, int clients, int seconds, List<double[]> samples)
            throws Exception {
        String before = metrics(url);
        if (before.isEmpty()) {
            throw new IllegalStateException("no metrics from " + url);
        }
        long warmupEnd = System.nanoTime() + 2_000_000_000L; // the first 2 s warm the connections and the JIT: not counted
        Clients load = new Clients(new InetSocketAddress(url.getHost(), url.getPort()), requests, clients, warmupEnd);
        Thread driver = new Thread(load, "load-clients");
        driver.start();
        Thread.sleep(2000);
        String atStart = metrics(url);
        double cpu0 = cpuSeconds(pid);
        double ownCpu0 = cpuSeconds(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        if (samples != null) {
            long last = 0;
            for (int i = 0; i <= seconds / 10; i++) {
                long target = t0 + i * 10_000_000_000L;
                Thread.sleep(Math.max(0, (target - System.nanoTime()) / 1_000_000));
                long now = load.done.sum();
                samples.add(new double[] {i * 10.0, rssMb(pid), i == 0 ? 0 : (now - last) / 10.0});
                last = now;
            }
        } else {
            Thread.sleep(seconds * 1000L);
        }
        long counted = load.done.sum();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double serverCpu = cpuSeconds(pid) - cpu0;
        double clientCpu = cpuSeconds(ProcessHandle.current().pid()) - ownCpu0;
        load.stop.set(true);
        driver.join(10_000);
        if (load.failure != null) {
            throw new IllegalStateException("the load clients failed", load.failure);
        }
        String after = metrics(url);
        long[] all = load.latencies();
        Arrays.sort(all);
        double p50 = all.length == 0 ? 0 : all[(int) (all.length * 0.50)] / 1e6;
        double p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
        Map<String, Long> b0 = buckets(atStart);
        Map<String, Long> b1 = buckets(after);
        long batches = count(after) - count(atStart);
        double rows = sum(after) - sum(atStart);
        StringBuilder dist = new StringBuilder();
        long previous = 0;
        for (Map.Entry<String, Long> e : b1.entrySet()) {
            long cumulative = e.getValue() - b0.getOrDefault(e.getKey(), 0L);
            if (cumulative > previous) {
                dist.append(dist.length() == 0 ? "" : ", ").append("≤").append(e.getKey()).append(": ").append(cumulative - previous);
            }
            previous = cumulative;
        }
        return new Result(clients, seconds, counted, counted / elapsed, counted / serverCpu, serverCpu / elapsed,
                clientCpu / elapsed, p50, p99, load.errors.sum(), batches == 0 ? 0 : rows / batches, dist.toString(), rssMb(pid));
    }

    /**
     * C closed-loop clients on one thread: each is its own keep-alive HTTP/1.1 connection with one request in flight,
     * sending the next as soon as its answer has arrived. One thread and a selector rather than a thread per client,
     * because the clients share the server's cores: against the same server, 64 blocking client threads used 0.28 of
     * a core, this 0.17 (two A/B pairs, 64 clients, 20 s). Bounded: it stops when {@link #stop} is set and closes
     * every connection.
     */
    private static final class Clients implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final LongAdder done = new LongAdder();
        final LongAdder errors = new LongAdder();
        volatile Throwable failure;
        private final InetSocketAddress address;
        private final List<byte[]> requests;
        private final long warmupEnd;
        private final Conn[] conns;

        Clients(InetSocketAddress address, List<byte[]> requests, int clients, long warmupEnd) {
            this.address = address;
            this.requests = requests;
            this.warmupEnd = warmupEnd;
            this.conns = new Conn[clients];
        }

        /** Every counted latency, in nanoseconds (read after the run). */
        long[] latencies() {
            long[] all = new long[Arrays.stream(conns).mapToInt(c -> c == null ? 0 : c.count).sum()];
            int at = 0;
            for (Conn c : conns) {
                if (c != null) {
                    System.arraycopy(c.latencies, 0, all, at, c.count);
                    at += c.count;
                }
            }
            return all;
        }

        @Override
        public void run() {
            try (Selector selector = Selector.open()) {
                for (int c = 0; c < conns.length; c++) {
                    conns[c] = new Conn(c * 7919 % requests.size());
                    connect(selector, conns[c]);
                }
                while (!stop.get()) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        step(selector, key);
                    }
                    selector.selectedKeys().clear();
                }
                for (Conn c : conns) {
                    if (c != null && c.channel != null) {
                        c.channel.close();
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        private void step(Selector selector, SelectionKey key) throws IOException {
            Conn c = (Conn) key.attachment();
            try {
                if (key.isConnectable()) {
                    if (c.channel.finishConnect()) {
                        send(key, c);
                    }
                } else if (key.isWritable()) {
                    write(key, c);
                } else if (key.isReadable()) {
                    read(key, c);
                }
            } catch (IOException e) {
                // a refused, reset or closed connection: counted as an error, and the client connects again
                errors.increment();
                key.cancel();
                c.channel.close();
                connect(selector, c);
            }
        }

        private void connect(Selector selector, Conn c) throws IOException {
            c.channel = SocketChannel.open();
            c.channel.configureBlocking(false);
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (c.channel.connect(address)) {
                send(c.channel.register(selector, 0, c), c);
            } else {
                c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
        }

        private void send(SelectionKey key, Conn c) throws IOException {
            c.out = ByteBuffer.wrap(requests.get(c.next));
            c.next = (c.next + 1) % requests.size();
            c.in.clear();
            c.sent = System.nanoTime();
            write(key, c);
        }

        private static void write(SelectionKey key, Conn c) throws IOException {
            c.channel.write(c.out);
            key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read(SelectionKey key, Conn c) throws IOException {
            if (!c.in.hasRemaining()) {
                throw new IOException("an answer over " + c.in.capacity() + " bytes");
            }
            if (c.channel.read(c.in) < 0) {
                throw new IOException("connection closed by the server");
            }
            int status = complete(c.in);
            if (status == 0) {
                return; // more of the answer to come
            }
            long now = System.nanoTime();
            if (status != 200) {
                errors.increment();
            }
            if (c.sent >= warmupEnd) {
                c.record(now - c.sent);
                done.increment();
            }
            send(key, c);
        }

        /**
         * 0 while the answer in {@code in} (bytes 0 to its position) is incomplete; else its status, or -1 for a 200
         * whose body is not a JSON array of rows.
         */
        static int complete(ByteBuffer in) throws IOException {
            byte[] b = in.array();
            int n = in.position();
            int headEnd = -1;
            for (int i = 3; i < n; i++) {
                if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    headEnd = i + 1;
                    break;
                }
            }
            if (headEnd < 0) {
                return 0;
            }
            String head = new String(b, 0, headEnd, StandardCharsets.US_ASCII);
            int at = head.toLowerCase(Locale.ROOT).indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new IOException("an answer without Content-Length: " + head.lines().findFirst().orElse(""));
            }
            int length = Integer.parseInt(head.substring(at + 17, head.indexOf('\r', at + 2)).trim());
            if (n < headEnd + length) {
                return 0;
            }
            if (n > headEnd + length) {
                throw new IOException("bytes after the answer");
            }
            int code = Integer.parseInt(head.substring(9, 12));
            return code != 200 ? code : length > 2 && b[headEnd] == '[' && b[headEnd + 1] == '[' ? 200 : -1;
        }

        /** One client: its connection, the answer arriving, its latencies. */
        private static final class Conn {
            final ByteBuffer in = ByteBuffer.allocate(1 << 16);
            SocketChannel channel;
            ByteBuffer out;
            int next;
            long sent;
            long[] latencies = new long[1 << 16];
            int count;

            Conn(int first) {
                this.next = first;
            }

            void record(long nanos) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = nanos;
            }
        }
    }

    private static String metrics(URI url) throws IOException {
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, Long> buckets(String metrics) {
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher x = BUCKET.matcher(metrics);
        while (x.find()) {
            m.put(x.group(1), Long.parseLong(x.group(2)));
        }
        return m;
    }

    private static long count(String metrics) {
        Matcher x = COUNT.matcher(metrics);
        return x.find() ? Long.parseLong(x.group(1)) : 0;
    }

    private static double sum(String metrics) {
        Matcher x = SUM.matcher(metrics);
        return x.find() ? Double.parseDouble(x.group(1)) : 0;
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /** User + system CPU time of a process so far (/proc/PID/stat, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15 of the whole line
    }

    private static double rssMb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }

    /** RSS (left axis) and requests/s (right axis) over the soak. */
    private static void plot(List<double[]> samples, Path png) throws IOException {
        int w = 900;
        int h = 420;
        int l = 70;
        int r = 70;
        int t = 40;
        int b = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double tMax = samples.get(samples.size() - 1)[0];
        double rssMax = samples.stream().mapToDouble(x -> x[1]).max().orElse(1) * 1.2;
        double rateMax = samples.stream().mapToDouble(x -> x[2]).max().orElse(1) * 1.2;
        g.setColor(Color.GRAY);
        g.drawRect(l, t, w - l - r, h - t - b);
        g.setColor(Color.BLACK);
        g.drawString("soak: server RSS (blue, MB) and requests/s (orange) over time (s)", l, 25);
        for (int i = 0; i <= 4; i++) {
            int y = t + (h - t - b) * (4 - i) / 4;
            g.drawString(String.format(Locale.ROOT, "%.0f", rssMax * i / 4), 10, y + 5);
            g.drawString(String.format(Locale.ROOT, "%.0f", rateMax * i / 4), w - r + 8, y + 5);
            int x = l + (w - l - r) * i / 4;
            g.drawString(String.format(Locale.ROOT, "%.0f", tMax * i / 4), x - 10, h - b + 18);
        }
        g.setStroke(new BasicStroke(2f));
        for (int series = 1; series <= 2; series++) {
            g.setColor(series == 1 ? new Color(31, 119, 180) : new Color(255, 127, 14));
            double max = series == 1 ? rssMax : rateMax;
            for (int i = series == 1 ? 1 : 2; i < samples.size(); i++) {
                double[] a = samples.get(i - 1);
                double[] c = samples.get(i);
                g.drawLine(l + (int) ((w - l - r) * a[0] / tMax), t + (int) ((h - t - b) * (1 - a[series] / max)),
                        l + (int) ((w - l - r) * c[0] / tMax), t + (int) ((h - t - b) * (1 - c[series] / max)));
            }
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
