package org.contrastive4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EncodersTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.engine();
    }

    /** Output shapes match getOutputShapes and the projection rows are unit length. */
    private static void run(ModelSpec spec, int batch) {
        // Seeded: an unseeded tiny network can map a random input to an all-zero head output, whose norm is 0.
        DjlRuntime.engine().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.randomNormal(block.inputShape(batch))), false);
            Shape[] declared = block.getOutputShapes(new Shape[] {block.inputShape(batch)});
            assertEquals(spec.numClasses() > 0 ? 3 : 2, out.size());
            assertEquals(declared.length, out.size());
            for (int i = 0; i < out.size(); i++) {
                assertEquals(declared[i], out.get(i).getShape());
            }
            assertEquals(new Shape(batch, spec.embeddingDim()), out.get(0).getShape());
            assertEquals(new Shape(batch, spec.projectionDim()), out.get(1).getShape());
            NDArray norms = out.get(1).norm(new int[] {1});
            assertTrue(norms.sub(1).abs().max().getFloat() < 1e-5, "projection rows are not unit length");
        }
    }

    @Test
    void everyFamilyProducesEmbeddingProjectionAndLogits() {
        run(ModelSpec.mlp(20, new int[] {16}, 8).withNumClasses(3), 4);
        run(ModelSpec.smallCnn(1, 28, 28).withWidth(8).withNumClasses(10), 2);
        run(ModelSpec.resnet18(3, 32, 32, "cifar").withWidth(4), 2);
        run(ModelSpec.resnet18(3, 64, 64, "imagenet").withWidth(4), 2);
        run(ModelSpec.resnet(ModelSpec.RESNET34, 3, 32, 32, "cifar").withWidth(2).withNumClasses(4), 2);
        run(ModelSpec.resnet(ModelSpec.RESNET50, 3, 40, 40, "imagenet").withWidth(2), 2);
    }

    private static long parameterCount(ModelSpec spec) {
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec.withProjectionDims()).initialize(m);
            long n = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!p.getKey().contains("running")) {
                    n += p.getValue().getArray().size();
                }
            }
            return n;
        }
    }

    @Test
    void resnet34And50HaveTorchvisionsParameterCounts() {
        // torchvision resnet34 / resnet50 (weights=None) without fc: sum of p.numel() over named_parameters()
        assertEquals(21_284_672L, parameterCount(ModelSpec.resnet(ModelSpec.RESNET34, 3, 64, 64, "imagenet")));
        assertEquals(23_508_032L, parameterCount(ModelSpec.resnet(ModelSpec.RESNET50, 3, 64, 64, "imagenet")));
        assertEquals(2048, ModelSpec.resnet(ModelSpec.RESNET50, 3, 64, 64, "imagenet").embeddingDim());
    }

    @Test
    void smallCnnHasExactlyTheIssuesLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(ModelSpec.smallCnn(1, 28, 28)).initialize(m);
            List<long[]> weights = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getKey().endsWith("weight")) {
                    weights.add(p.getValue().getArray().getShape().getShape());
                }
            }
            assertEquals(5, weights.size());
            assertArrayEquals(new long[] {32, 1, 3, 3}, weights.get(0));
            assertArrayEquals(new long[] {64, 32, 3, 3}, weights.get(1));
            assertArrayEquals(new long[] {128, 64, 3, 3}, weights.get(2));
            assertArrayEquals(new long[] {128, 128}, weights.get(3));
            assertArrayEquals(new long[] {64, 128}, weights.get(4));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 1, 28, 28))), false);
            assertEquals(new Shape(2, 128), out.get(0).getShape());
            assertEquals(new Shape(2, 64), out.get(1).getShape());
        }
    }

    @Test
    void resnet18HasElevenMillionParametersAtWidth64() {
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(ModelSpec.resnet18(3, 32, 32, "cifar").withProjectionDims()).initialize(m);
            long n = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!p.getKey().contains("running")) {
                    n += p.getValue().getArray().size();
                }
            }
            // torchvision resnet18 without fc and with a 3x3 stem: 11,168,832 parameters
            assertEquals(11_168_832L, n);
        }
    }
}
