package org.contrastive4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void jsonRoundTripKeepsEveryField() {
        ModelSpec[] specs = {
            ModelSpec.smallCnn(1, 28, 28).withNumClasses(10),
            ModelSpec.mlp(64, new int[] {32, 16}, 8).withBnEpsilon(1e-3f),
            ModelSpec.resnet18(3, 64, 64, "imagenet").withWidth(8).withProjectionDims(),
            ModelSpec.resnet(ModelSpec.RESNET50, 3, 224, 224, "imagenet"),
            ModelSpec.resnet(ModelSpec.RESNET34, 1, 28, 28, "cifar").withWidth(16),
        };
        for (ModelSpec s : specs) {
            ModelSpec back = ModelSpec.fromJson(s.toJson());
            assertEquals(s, back);
            assertArrayEquals(s.inputShape(), back.inputShape());
            assertArrayEquals(s.projectionDims(), back.projectionDims());
            assertEquals(s.bnEpsilon(), back.bnEpsilon());
            assertEquals(s.toJson(), back.toJson());
        }
    }

    @Test
    void defaultsMatchTheIssue() {
        ModelSpec s = ModelSpec.smallCnn(1, 28, 28);
        assertEquals(32, s.width());
        assertEquals(128, s.embeddingDim());
        assertArrayEquals(new int[] {128, 64}, s.projectionDims());
        assertEquals(64, s.projectionDim());
        assertEquals(512, ModelSpec.resnet18(3, 32, 32, "cifar").embeddingDim());
        assertEquals(64, ModelSpec.resnet18(3, 32, 32, "cifar").withWidth(8).embeddingDim());
        // torchvision: resnet34 ends in 512 channels, resnet50 in 2048 (512 x bottleneck expansion 4)
        assertEquals(512, ModelSpec.resnet(ModelSpec.RESNET34, 3, 32, 32, "cifar").embeddingDim());
        assertEquals(2048, ModelSpec.resnet(ModelSpec.RESNET50, 3, 32, 32, "cifar").embeddingDim());
        assertArrayEquals(new int[] {2048, 128}, ModelSpec.resnet(ModelSpec.RESNET50, 3, 32, 32, "cifar").projectionDims());
        assertEquals(128, ModelSpec.resnet(ModelSpec.RESNET50, 3, 32, 32, "cifar").withWidth(4).embeddingDim());
    }

    @Test
    void badSpecsFailWithAMessageNamingTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.fromJson("{\"family\":\"vgg\",\"inputShape\":[3,8,8],\"embeddingDim\":4,\"bnEpsilon\":1e-5,\"normEpsilon\":1e-12}"))
                .getMessage().contains("unknown model family 'vgg'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.resnet18(3, 32, 32, "tiny"))
                .getMessage().contains("stem"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.smallCnn(1, 28, 28).withNumClasses(1))
                .getMessage().contains("numClasses"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.mlp(0, new int[0], 4))
                .getMessage().contains("inputShape"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.smallCnn(1, 28, 28).withBnEpsilon(0))
                .getMessage().contains("bnEpsilon"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromJson("{not json"))
                .getMessage().contains("not valid JSON"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelSpec("small-cnn", new int[] {1, 28, 28}, 32,
                100, null, null, 1e-5f, 1e-12f, 0, null)).getMessage().contains("4 x width"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelSpec("resnet50", new int[] {3, 32, 32}, 64,
                512, null, "cifar", 1e-5f, 1e-12f, 0, null)).getMessage().contains("resnet50 embeddingDim must be 32 x width = 2048"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.resnet("resnet101", 3, 32, 32, "cifar"))
                .getMessage().contains("not a ResNet family"));
    }
}
