package org.contrastive4j.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

    @Test
    void bilinearUpsampleMatchesHalfPixelConvention() {
        // Expected values: torch.nn.functional.interpolate(mode='bilinear', align_corners=False) of [[0,1],[2,3]].
        float[] up = ImageOps.resize(new float[] {0, 1, 2, 3}, 1, 2, 2, 4, 4);
        assertArrayEquals(new float[] {0, .25f, .75f, 1, .5f, .75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3},
                up, 1e-6f);
        float[] odd = ImageOps.resize(new float[] {0, 1, 2, 3}, 1, 2, 2, 3, 5);
        assertArrayEquals(new float[] {0, .1f, .5f, .9f, 1, 1, 1.1f, 1.5f, 1.9f, 2, 2, 2.1f, 2.5f, 2.9f, 3}, odd, 1e-6f);
    }

    @Test
    void sameSizeResizeAndIntegerCropAreExactCopies() {
        float[] img = new float[2 * 3 * 4];
        for (int i = 0; i < img.length; i++) {
            img[i] = i * 0.37f;
        }
        assertArrayEquals(img, ImageOps.resize(img, 2, 3, 4, 3, 4));
        float[] crop = new float[2 * 2 * 2];
        ImageOps.cropResize(img, 0, 2, 3, 4, 1, 2, 2, 2, crop, 0, 2, 2);
        assertArrayEquals(new float[] {img[6], img[7], img[10], img[11], img[18], img[19], img[22], img[23]}, crop);
    }

    @Test
    void conformConvertsChannelsAndLeavesMatchingSamplesAlone() {
        Samples rgb = new Samples("m", new float[] {1, 0, 0, 1, 0, 0}, new int[] {3, 1, 2}, null, List.of());
        Samples gray = DataSources.conformImages(rgb, 1, 0, 0);
        assertArrayEquals(new float[] {0.299f, 0.587f}, gray.values(), 1e-6f);
        assertSame(rgb, DataSources.conformImages(rgb, 3, 1, 2));
        Samples flat = new Samples("f", new float[4], new int[] {4}, null, List.of());
        assertThrows(IllegalArgumentException.class, () -> DataSources.conformImages(flat, 1, 2, 2));
    }
}
