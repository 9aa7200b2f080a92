package org.contrastive4j.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuCoresTest {

    @TempDir
    Path sys;

    /** Writes a fake sysfs: CPU i belongs to the core whose sibling list is {@code siblings[i]}. */
    private void topology(String file, String... siblings) throws IOException {
        for (int i = 0; i < siblings.length; i++) {
            Path t = Files.createDirectories(sys.resolve("cpu" + i).resolve("topology"));
            Files.writeString(t.resolve(file), siblings[i] + "\n");
        }
    }

    @Test
    void hyperthreadsOfOneCoreCountOnce() throws IOException {
        // 8 logical CPUs, 4 cores of 2 threads each (siblings i and i+4, as Linux numbers them on x86)
        topology("core_cpus_list", "0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7");
        assertEquals(4, CpuCores.physical(sys, "0-7", 8));
        assertEquals(2, CpuCores.physical(sys, "0,4,1", 8), "CPUs 0 and 4 share a core");
        assertEquals(1, CpuCores.physical(sys, "2,6", 8));
    }

    @Test
    void oneThreadPerCoreCountsEveryCpu() throws IOException {
        topology("core_cpus_list", "0", "1");
        assertEquals(2, CpuCores.physical(sys, "0-1", 2));
    }

    @Test
    void olderKernelsNameTheSiblingsThreadSiblingsList() throws IOException {
        topology("thread_siblings_list", "0-1", "0-1", "2-3", "2-3");
        assertEquals(2, CpuCores.physical(sys, "0-3", 4));
    }

    @Test
    void theJvmsLimitCapsTheCount() throws IOException {
        topology("core_cpus_list", "0", "1", "2", "3");
        assertEquals(3, CpuCores.physical(sys, "0-3", 3), "a container limit of 3 CPUs");
    }

    @Test
    void unreadableTopologyFallsBackToTheJvmsCount() {
        assertEquals(6, CpuCores.physical(sys, "0-7", 6));
    }

    @Test
    void cpuListsAreParsed() {
        assertEquals(Set.of(0, 1, 2, 3, 8, 10, 11), CpuCores.cpuList("0-3,8,10-11"));
        assertEquals(Set.of(5), CpuCores.cpuList("5\n"));
        assertThrows(IllegalArgumentException.class, () -> CpuCores.cpuList("3-1"));
    }

    @Test
    void thisMachineHasAtLeastOneCoreAndNoMoreThanTheJvmSees() {
        int n = CpuCores.physical();
        assertTrue(n >= 1 && n <= Runtime.getRuntime().availableProcessors(), "physical cores " + n);
    }
}
