package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FloatText against two independent references: the JDK's Float.toString and an exact BigDecimal search. */
class FloatTextTest {

    private static String text(float f) {
        return FloatText.append(new StringBuilder(), f).toString();
    }

    /** The fewest significant digits whose correctly rounded decimal reads back as {@code f}, found exactly. */
    private static int shortestDigits(float f) {
        for (int n = 1; n <= 9; n++) {
            BigDecimal b = new BigDecimal(f).round(new MathContext(n, RoundingMode.HALF_EVEN));
            if (Float.parseFloat(b.toString()) == f) {
                return n;
            }
        }
        throw new AssertionError("no 9-digit decimal reads back as " + f);
    }

    private static int significantDigits(String s) {
        int e = s.indexOf('E'); // below 0.001 the JDK's scientific form
        String digits = (e >= 0 ? s.substring(0, e) : s).replace("-", "").replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, digits.length());
    }

    @Test
    void edgeCasesReadLikeTheJdk() {
        float[] cases = {0.5f, -0.5f, 1f, 100f, 0.1f, 0.001f, 0.00100001f, 9999999f, 1234567.9f, 3.4028235e6f, 2972.03125f,
            0.0009999999f, 1e7f, 1e-4f, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            Float.MAX_VALUE, 0.25f, 0.125f, 1024f, Math.nextUp(1f), Math.nextDown(1f), Math.nextDown(0.001f), 0.3f, 2f / 3};
        for (float f : cases) {
            assertEquals(Float.toString(f), text(f), "float bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
        assertEquals("2972.0312", text(2972.03125f)); // a tie: the even digit, as the JDK writes it
        assertEquals("100.0", text(100f));
        assertEquals("-0.001", text(-0.001f));
    }

    @Test
    void randomFloatsReadBackAndMatchTheJdkText() {
        Random r = new Random(20261206);
        for (int i = 0; i < 1_000_000; i++) {
            float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt())
                    : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(11) - 5));
            if (Float.isNaN(f)) {
                continue;
            }
            String s = text(f);
            assertEquals(f, Float.parseFloat(s), s);
            assertEquals(Float.toString(f), s);
        }
    }

    @Test
    void everyFewThousandthFloatInThePlainRangeIsShortest() {
        int from = Float.floatToRawIntBits(0.001f);
        int to = Float.floatToRawIntBits(1e7f);
        for (int bits = from; bits < to; bits += 4099) {
            float f = Float.intBitsToFloat(bits);
            String s = text(f);
            assertEquals(f, Float.parseFloat(s), s);
            assertEquals(shortestDigits(f), significantDigits(s), s);
        }
    }

    @Test
    void embeddingLikeValuesAreShortest() {
        Random r = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            float f = (float) (r.nextGaussian() / 11.3); // a unit 128-d vector's coordinates
            String s = text(f);
            assertEquals(f, Float.parseFloat(s), s);
            assertEquals(shortestDigits(f), significantDigits(s), s);
        }
    }
}
