package org.contrastive4j.core.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * How many physical cores this process may run on: what "one thread per core" means for a compute pool.
 *
 * <p>Runtimes guess this themselves, and the guess can be wrong: ONNX Runtime 1.29's default intra-op pool was one
 * thread on a 2-core AMD EPYC (Zen 5) virtual machine whose kernel reports two cores of one thread each, so the
 * default ran at half the speed of two threads (13,300 against 22,100 images/s at batch 64). So the count is read here
 * from what Linux states: the CPUs this process may use ({@code Cpus_allowed_list} in {@code /proc/self/status}),
 * grouped by the core they belong to ({@code topology/core_cpus_list}, or {@code thread_siblings_list} on older
 * kernels), so that two hyperthreads of one core count once; then capped at the JVM's
 * {@link Runtime#availableProcessors()}, which follows container CPU limits. Where Linux's files are missing or
 * unreadable (another OS), it is {@code availableProcessors()}.
 */
public final class CpuCores {

    private CpuCores() {}

    /** Physical cores this process may use, at least 1. */
    public static int physical() {
        int available = Runtime.getRuntime().availableProcessors();
        try {
            String allowed = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    allowed = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return allowed == null ? available : physical(Path.of("/sys/devices/system/cpu"), allowed, available);
        } catch (IOException | RuntimeException e) {
            return Math.max(1, available);
        }
    }

    /**
     * The distinct cores among the CPUs of {@code allowedList} (a kernel CPU list such as {@code 0-3,8}), read under
     * {@code sysCpu}, at most {@code available}; {@code available} when a CPU's topology cannot be read.
     */
    static int physical(Path sysCpu, String allowedList, int available) {
        Set<String> cores = new HashSet<>();
        for (int cpu : cpuList(allowedList)) {
            Path topology = sysCpu.resolve("cpu" + cpu).resolve("topology");
            String core = read(topology.resolve("core_cpus_list"));
            if (core == null) {
                core = read(topology.resolve("thread_siblings_list"));
            }
            if (core == null) {
                return Math.max(1, available);
            }
            cores.add(core);
        }
        return Math.max(1, Math.min(cores.isEmpty() ? available : cores.size(), available));
    }

    /** The CPU numbers of a kernel CPU list ({@code 0-3,8,10-11}). */
    static Set<Integer> cpuList(String list) {
        Set<Integer> cpus = new HashSet<>();
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
            if (from < 0 || to < from || to - from > 65_536) {
                throw new IllegalArgumentException("not a CPU list: " + list);
            }
            for (int c = from; c <= to; c++) {
                cpus.add(c);
            }
        }
        return cpus;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
