package org.contrastive4j.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {

    @Test
    void parsesTheOneGrammarWithCudaAsSynonym() {
        assertEquals(DeviceSpec.AUTO, DeviceSpec.parse("auto"));
        assertEquals(DeviceSpec.CPU, DeviceSpec.parse("CPU"));
        assertEquals(List.of(0), DeviceSpec.parse("gpu").gpus());
        assertEquals(List.of(0), DeviceSpec.parse("cuda").gpus());
        assertEquals(List.of(3), DeviceSpec.parse("cuda:3").gpus());
        assertEquals(List.of(0, 1), DeviceSpec.parse("gpu:0, 1").gpus());
        assertEquals("gpu:3", DeviceSpec.parse("cuda:3").toString());
        assertEquals("gpu:0,1", DeviceSpec.parse("gpu:0,1").toString());
        assertEquals(DeviceSpec.Kind.GPU, DeviceSpec.parse("gpu:2").kind());
    }

    @Test
    void refusesWhatIsNotInTheGrammar() {
        for (String bad : new String[] {"tpu", "gpu:", "gpu:x", "gpu:-1", "gpu:1,1", "cuda:1,", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse(bad), bad);
            assertTrue(e.getMessage().contains("auto, cpu, gpu, gpu:N or gpu:0,1"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse(null));
    }

    @Test
    void singleGpuNamesTheSpecWhenThereAreSeveral() {
        assertEquals(2, DeviceSpec.parse("gpu:2").singleGpu());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse("gpu:0,1").singleGpu());
        assertTrue(e.getMessage().contains("gpu:0,1"), e.getMessage());
    }
}
