package org.contrastive4j.losses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The losses by name, with typed parameters and defaults, so a command line can say {@code --loss sincere
 * --temperature 0.1} or {@code --loss dystress --tau-min 0.07 --tau-max 0.2}. Parameter names use dashes
 * (underscores are accepted too). {@code infonce} is an alias of {@code nt_xent}.
 */
public final class LossRegistry {

    private static final String DOUBLE = "double";
    private static final String BOOLEAN = "boolean";
    private static final String STRING = "string";
    private static final String SAME_AS_TEMPERATURE = "same as temperature";

    private record Entry(List<LossParameter> parameters, Function<Params, ContrastiveLoss> factory) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = Map.of("infonce", "nt_xent");

    static {
        LossParameter normalize = new LossParameter("normalize", BOOLEAN, "true",
                "L2-normalise the rows inside the loss");
        LossParameter schedule = new LossParameter("temperature-schedule", STRING, "fixed",
                "fixed (temperature) or dystress (tau-min..tau-max by cosine similarity)");
        LossParameter tauMin = new LossParameter("tau-min", DOUBLE, "0.07",
                "DySTreSS temperature at similarity 0");
        LossParameter tauMax = new LossParameter("tau-max", DOUBLE, "0.2",
                "DySTreSS temperature at similarity ±1");
        LossParameter temperature = new LossParameter("temperature", DOUBLE, "0.1", "softmax temperature τ");

        register("nt_xent", List.of(temperature, schedule, tauMin, tauMax, normalize),
                p -> new NtXent(p.temperature(), p.bool("normalize")));
        register("supcon", List.of(temperature,
                new LossParameter("base-temperature", DOUBLE, SAME_AS_TEMPERATURE,
                        "τ_base: the loss is scaled by τ/τ_base"),
                schedule, tauMin, tauMax, normalize),
                p -> new SupCon(p.temperature(), p.given("base-temperature") ? p.dbl("base-temperature") : Double.NaN,
                        p.bool("normalize")));
        register("sincere", List.of(temperature, schedule, tauMin, tauMax, normalize),
                p -> new Sincere(p.temperature(), p.bool("normalize")));
        register("cacr", List.of(
                new LossParameter("alpha", DOUBLE, "1", "weight of the attraction cost"),
                new LossParameter("beta", DOUBLE, "1", "weight of the repulsion cost"),
                new LossParameter("tau-pos", DOUBLE, "1", "inverse temperature of the attraction weights"),
                new LossParameter("tau-neg", DOUBLE, "0.9", "inverse temperature of the repulsion weights"),
                normalize),
                p -> new Cacr(p.dbl("alpha"), p.dbl("beta"), p.dbl("tau-pos"), p.dbl("tau-neg"), p.bool("normalize")));
        register("mio", List.of(
                new LossParameter("tau-pos", DOUBLE, "0.5", "temperature of the positive-pair logits"),
                new LossParameter("tau-neg", DOUBLE, "0.5", "temperature of the negative-pair logits"),
                new LossParameter("lambda", DOUBLE, "1", "weight of the L2 term between the two views"),
                normalize),
                p -> new Mio(p.dbl("tau-pos"), p.dbl("tau-neg"), p.dbl("lambda"), p.bool("normalize")));
        register("dystress", List.of(tauMin, tauMax, normalize),
                p -> NtXent.dystress(p.dbl("tau-min"), p.dbl("tau-max"), p.bool("normalize")));
    }

    private LossRegistry() {}

    private static void register(String name, List<LossParameter> parameters, Function<Params, ContrastiveLoss> f) {
        ENTRIES.put(name, new Entry(List.copyOf(parameters), f));
    }

    /** The registered loss names (aliases excluded). */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The parameters of a loss (or alias), in a stable order. */
    public static List<LossParameter> parameters(String name) {
        return entry(name).parameters();
    }

    /** The canonical name of a loss or alias ({@code infonce} → {@code nt_xent}). */
    public static String canonicalName(String name) {
        entry(name);
        String key = name.trim().toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(key, key);
    }

    /**
     * Builds a loss from text parameters; absent ones take their defaults.
     *
     * @throws IllegalArgumentException for an unknown loss, an unknown parameter or an unparsable or invalid value,
     *     listing the valid choices
     */
    public static ContrastiveLoss create(String name, Map<String, String> params) {
        Entry e = entry(name);
        Params p = new Params(canonicalName(name), e.parameters(), params == null ? Map.of() : params);
        return e.factory().apply(p);
    }

    private static Entry entry(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Entry e = ENTRIES.get(ALIASES.getOrDefault(key, key));
        if (e == null) {
            throw new IllegalArgumentException("unknown loss '" + name + "'; valid losses: "
                    + String.join(", ", ENTRIES.keySet()) + " (alias: infonce = nt_xent)");
        }
        return e;
    }

    /** Parsed, checked text parameters of one loss. */
    private static final class Params {
        private final String loss;
        private final Map<String, LossParameter> declared = new LinkedHashMap<>();
        private final Map<String, String> values = new HashMap<>();

        Params(String loss, List<LossParameter> parameters, Map<String, String> given) {
            this.loss = loss;
            for (LossParameter p : parameters) {
                declared.put(p.name(), p);
            }
            for (Map.Entry<String, String> kv : given.entrySet()) {
                String key = kv.getKey() == null ? "" : kv.getKey().trim().replace('_', '-').toLowerCase(Locale.ROOT);
                if (!declared.containsKey(key)) {
                    throw new IllegalArgumentException("unknown parameter '" + kv.getKey() + "' for loss " + loss
                            + "; valid parameters: " + String.join(", ", declared.keySet()));
                }
                if (kv.getValue() == null) {
                    throw new IllegalArgumentException("parameter " + key + " of loss " + loss + " has no value");
                }
                values.put(key, kv.getValue().trim());
            }
        }

        boolean given(String name) {
            return values.containsKey(name);
        }

        private String text(String name) {
            return values.getOrDefault(name, declared.get(name).defaultValue());
        }

        double dbl(String name) {
            String v = text(name);
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("invalid value '" + v + "' for parameter " + name + " of loss "
                        + loss + " (expected a finite number)");
            }
        }

        boolean bool(String name) {
            String v = text(name).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("invalid value '" + text(name) + "' for parameter " + name
                        + " of loss " + loss + " (expected true or false)");
            }
            return Boolean.parseBoolean(v);
        }

        /** The temperature strategy of nt_xent / supcon / sincere. */
        Temperature temperature() {
            String schedule = text("temperature-schedule").toLowerCase(Locale.ROOT);
            switch (schedule) {
                case "fixed":
                    List<String> unused = new ArrayList<>();
                    for (String k : List.of("tau-min", "tau-max")) {
                        if (given(k)) {
                            unused.add(k);
                        }
                    }
                    if (!unused.isEmpty()) {
                        throw new IllegalArgumentException(String.join(" and ", unused) + " only apply with "
                                + "temperature-schedule=dystress (loss " + loss + ")");
                    }
                    return new FixedTemperature(dbl("temperature"));
                case "dystress":
                    if (given("temperature")) {
                        throw new IllegalArgumentException("temperature does not apply with temperature-schedule="
                                + "dystress (loss " + loss + "); use tau-min and tau-max");
                    }
                    return new DystressTemperature(dbl("tau-min"), dbl("tau-max"));
                default:
                    throw new IllegalArgumentException("invalid value '" + text("temperature-schedule")
                            + "' for parameter temperature-schedule of loss " + loss + "; valid: fixed, dystress");
            }
        }
    }

    /** An unmodifiable view for callers that print the registry. */
    public static Map<String, List<LossParameter>> all() {
        Map<String, List<LossParameter>> m = new LinkedHashMap<>();
        ENTRIES.forEach((k, v) -> m.put(k, v.parameters()));
        return Collections.unmodifiableMap(m);
    }
}
