package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ValidationAndRegistryTest {

    private static String failure(ContrastiveLoss loss, Function<NDManager, NDArray> embeddings,
            Function<NDManager, NDArray> labels, int views) {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            return assertThrows(IllegalArgumentException.class,
                    () -> loss.compute(embeddings.apply(m), labels.apply(m), views)).getMessage();
        }
    }

    private static void assertMentions(String message, String... words) {
        for (String w : words) {
            assertTrue(message.contains(w), "message '" + message + "' should mention '" + w + "'");
        }
    }

    @Test
    void invalidInputsNameTheProblem() {
        ContrastiveLoss supcon = LossRegistry.create("supcon", Map.of());
        Function<NDManager, NDArray> ok = m -> m.randomNormal(new Shape(8, 4));
        Function<NDManager, NDArray> labels4 = m -> m.create(new long[] {0, 1, 0, 1});
        assertMentions(failure(supcon, m -> m.randomNormal(new Shape(8)), labels4, 2), "rank 2");
        assertMentions(failure(supcon, m -> m.randomNormal(new Shape(2, 4, 4)), labels4, 2), "rank 2");
        assertMentions(failure(supcon, m -> m.randomNormal(new Shape(9, 4)), labels4, 2), "rows (9)", "views (2)");
        assertMentions(failure(supcon, ok, m -> m.create(new long[] {0, 1, 0}), 2), "labels length 3", "N");
        assertMentions(failure(supcon, ok, m -> m.create(new long[][] {{0, 1}, {0, 1}}), 2), "labels", "rank 1");
        assertMentions(failure(supcon, ok, m -> null, 2), "supervised", "labels");
        assertMentions(failure(supcon, ok, m -> m.create(new float[] {0, 1, 0, 1}), 2), "labels", "int");
        assertMentions(failure(supcon, ok, labels4, 0), "views", ">= 1");
        assertMentions(failure(supcon, m -> m.randomNormal(new Shape(8, 4)).toType(DataType.INT32, false), labels4, 2),
                "float32 or float64");
        assertMentions(failure(supcon, m -> {
            NDArray x = m.randomNormal(new Shape(8, 4));
            x.set(new NDIndex("3, 1"), Float.NaN);
            return x;
        }, labels4, 2), "NaN");
        assertMentions(failure(LossRegistry.create("nt_xent", Map.of()), m -> {
            NDArray x = m.randomNormal(new Shape(8, 4));
            x.set(new NDIndex("0, 0"), Float.POSITIVE_INFINITY);
            return x;
        }, m -> null, 2), "Inf");
        assertMentions(failure(LossRegistry.create("mio", Map.of()), m -> m.randomNormal(new Shape(9, 4)), m -> null,
                3), "mio", "exactly 2 views");
        assertMentions(failure(LossRegistry.create("dystress", Map.of()), m -> m.randomNormal(new Shape(9, 4)),
                m -> null, 3), "dystress", "exactly 2 views");
        assertMentions(failure(LossRegistry.create("cacr", Map.of()), m -> m.randomNormal(new Shape(6, 4)), m -> null,
                1), "cacr", "2 views");
    }

    @Test
    void unsupervisedLossesIgnoreLabels() {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            NDArray x = m.randomNormal(new Shape(8, 4));
            ContrastiveLoss nt = LossRegistry.create("infonce", Map.of());
            double a = nt.compute(x, null, 2).getFloat();
            double b = nt.compute(x, m.create(new long[] {0, 0, 0, 0}), 2).getFloat();
            assertEquals(a, b, 0);
        }
    }

    @Test
    void computeKeepsOnlyItsResultInTheCallersManager() {
        for (String name : List.of("nt_xent", "sincere", "cacr", "mio", "dystress", "supcon-base")) {
            try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
                NDArray x = m.randomNormal(new Shape(16, 8));
                NDArray labels = m.create(new long[] {0, 1, 2, 0, 1, 2, 0, 1});
                int before = ((BaseNDManager) m).getManagedArrays().size();
                ContrastiveLoss l = name.equals("supcon-base")
                        ? LossRegistry.create("supcon", Map.of("base-temperature", "0.07"))
                        : LossRegistry.create(name, Map.of());
                NDArray loss = l.compute(x, labels, 2);
                List<NDArray> after = ((BaseNDManager) m).getManagedArrays();
                assertEquals(before + 1, after.size(), name + " left intermediates in the caller's manager");
                assertTrue(after.contains(loss));
                assertEquals(DataType.FLOAT32, loss.getDataType(), name + ": result dtype");
                assertEquals(new Shape(), loss.getShape(), name + ": result is a scalar");
                assertEquals(m, x.getManager(), "inputs go back to their manager");
                assertEquals(m, labels.getManager());
            }
        }
    }

    @Test
    void registryListsNamesAndParameters() {
        assertEquals(List.of("nt_xent", "supcon", "sincere", "cacr", "mio", "dystress"), LossRegistry.names());
        assertEquals("nt_xent", LossRegistry.create("infonce", Map.of()).name());
        assertEquals("dystress", LossRegistry.create("dystress", Map.of()).name());
        ContrastiveLoss d = LossRegistry.create("dystress", Map.of("tau-min", "0.1", "tau_max", "0.3"));
        assertEquals(Map.of("tau-min", 0.1, "tau-max", 0.3, "normalize", true), d.params());
        ContrastiveLoss s = LossRegistry.create("supcon", Map.of("temperature", "0.2"));
        assertEquals(0.2, s.params().get("base-temperature"));
        assertEquals(1.0, ((SupCon) s).scale());
        assertEquals(0.5, ((SupCon) LossRegistry.create("supcon", Map.of("temperature", "0.05",
                "base-temperature", "0.1"))).scale(), 1e-15);
        ContrastiveLoss sd = LossRegistry.create("sincere", Map.of("temperature-schedule", "dystress"));
        assertTrue(((Sincere) sd).temperature() instanceof DystressTemperature);
        assertEquals("dystress", sd.params().get("temperature-schedule"));
        assertEquals(Map.of("alpha", 1.0, "beta", 1.0, "tau-pos", 1.0, "tau-neg", 0.9, "normalize", true),
                LossRegistry.create("cacr", Map.of()).params());
        assertEquals(Map.of("tau-pos", 0.5, "tau-neg", 0.5, "lambda", 1.0, "normalize", false),
                LossRegistry.create("mio", Map.of("normalize", "false")).params());
        List<String> sincereParams = LossRegistry.parameters("sincere").stream().map(LossParameter::name).toList();
        assertEquals(List.of("temperature", "temperature-schedule", "tau-min", "tau-max", "normalize"), sincereParams);
        assertEquals("0.1", LossRegistry.parameters("supcon").get(0).defaultValue());
    }

    @Test
    void registryErrorsListTheValidChoices() {
        String unknownLoss = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("simclr", Map.of())).getMessage();
        assertTrue(unknownLoss.contains("simclr") && unknownLoss.contains("nt_xent, supcon, sincere, cacr, mio, "
                + "dystress"), unknownLoss);
        String unknownParam = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("sincere", Map.of("temprature", "0.1"))).getMessage();
        assertTrue(unknownParam.contains("temprature") && unknownParam.contains("temperature, temperature-schedule"),
                unknownParam);
        String badValue = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("supcon", Map.of("temperature", "hot"))).getMessage();
        assertTrue(badValue.contains("'hot'") && badValue.contains("temperature"), badValue);
        String badBool = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("mio", Map.of("normalize", "yes"))).getMessage();
        assertTrue(badBool.contains("true or false"), badBool);
        String negative = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("nt_xent", Map.of("temperature", "-1"))).getMessage();
        assertTrue(negative.contains("positive"), negative);
        String schedule = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("nt_xent", Map.of("temperature-schedule", "cosine"))).getMessage();
        assertTrue(schedule.contains("fixed, dystress"), schedule);
        String order = assertThrows(IllegalArgumentException.class,
                () -> LossRegistry.create("dystress", Map.of("tau-min", "0.3", "tau-max", "0.1"))).getMessage();
        assertTrue(order.contains("tau-max"), order);
        assertThrows(IllegalArgumentException.class, () -> LossRegistry.parameters("nope"));
    }
}
