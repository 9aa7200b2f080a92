package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.contrastive4j.core.device.DeviceSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class DeviceTest {

    @Test
    void severalGpusAreRefusedByNameForInference() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Embedder.open(TestModels.foreign(), EmbedderOptions.builder().device("gpu:0,1").build()));
        assertTrue(ex.getMessage().contains("gpu:0,1"), ex.getMessage());
    }


    @Test
    void explicitCudaOnACpuOnlyBuildNamesTheGpuJar() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime build has CUDA");
        DeviceUnavailableException ex = assertThrows(DeviceUnavailableException.class,
                () -> Embedder.open(TestModels.foreign(), EmbedderOptions.builder().device("cuda").build()));
        assertTrue(ex.getMessage().contains("onnxruntime_gpu 1.29.0"), ex.getMessage());
        assertTrue(ex.getMessage().contains("-Pcuda"), ex.getMessage());
    }

    @Test
    void autoFallsBackToCpuWhenCudaIsMissing() throws Exception {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime build has CUDA");
        try (Embedder e = Embedder.open(TestModels.foreign(), EmbedderOptions.builder().device("auto").build())) {
            assertEquals(DeviceSpec.CPU, e.info().device());
            assertArrayEquals(TestModels.foreignReference(new float[] {1, 2, 3, 4}), e.embed(new float[][] {{1, 2, 3, 4}})[0], 1e-5f);
        }
    }

    /** Run with {@code -Pcuda -Dc4j.test.gpu=true} on a machine with an NVIDIA GPU. */
    @Test
    @EnabledIfSystemProperty(named = "c4j.test.gpu", matches = "true")
    void cudaMatchesCpu() throws Exception {
        float[][] x = TestModels.randomRows(21, 64, 16, 0f, 1f);
        try (Embedder cpu = Embedder.open(TestModels.toolkit());
                Embedder gpu = Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().device("cuda").build())) {
            assertEquals(DeviceSpec.gpu(0), gpu.info().device());
            float[][] a = cpu.embed(x);
            float[][] b = gpu.embed(x);
            for (int i = 0; i < x.length; i++) {
                assertArrayEquals(a[i], b[i], 1e-4f);
            }
        }
    }
}
