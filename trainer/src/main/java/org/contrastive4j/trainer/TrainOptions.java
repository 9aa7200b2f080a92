package org.contrastive4j.trainer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.losses.LossParameter;
import org.contrastive4j.losses.LossRegistry;

/**
 * The one table of training options: each field's JSON name, default and help text. From it come the defaults, the
 * command-line flags (JSON {@code snake_case} → flag {@code --kebab-case}), and the merging of a config file and flags.
 */
public final class TrainOptions {

    /** One option: JSON name, default value, help. */
    public record Field(String json, Object defaultValue, String help) {
        public String flag() {
            return json.replace('_', '-');
        }
    }

    public static final List<Field> FIELDS = List.of(
            new Field("data", "fashion-mnist", "training data: fashion-mnist (Debian's package if installed, else the committed "
                    + "subset), fashion-mnist-subset, or a path (IDX dir, CIFAR dir, image folder, CSV, NPY)"),
            new Field("test_data", "", "held-out data for evaluation (default: the test split of --data)"),
            new Field("validation_fraction", 0.0, "fraction of the training data held out (stratified, seeded) and evaluated "
                    + "instead of a test split; 0 = auto: the data's test split (or --test-data) if it has one, else a "
                    + TrainingData.percent(TrainingData.AUTO_VALIDATION_FRACTION) + " validation split"),
            new Field("image_size", "", "image files (folders, manifests) are fitted to H or HxW pixels (cover + centre "
                    + "crop); IDX/CIFAR/NPY images are resized when given; default: " + LoadOptions.DEFAULT_IMAGE_SIZE
                    + " for image files, as stored otherwise"),
            new Field("channels", 0, "image channels: 1 (gray) or 3 (RGB); 0 = " + LoadOptions.DEFAULT_IMAGE_CHANNELS
                    + " for image files, as stored otherwise"),
            new Field("skip_unreadable", false, "leave out image files that cannot be decoded (each is decoded once at the "
                    + "start; the count is reported) instead of stopping at the first, named"),
            new Field("image_cache_mb", (int) (LoadOptions.DEFAULT_CACHE_BYTES >> 20), "memory for decoded image files "
                    + "(MiB per dataset; the rest is decoded again when read)"),
            new Field("max_train_samples", 0, "use at most this many training samples (0 = all)"),
            new Field("max_test_samples", 0, "use at most this many test samples (0 = all)"),
            new Field("pretrain_classes", "", "train only on these classes, e.g. 0-4 (transfer protocol)"),
            new Field("transfer_classes", "", "evaluate k-NN / linear probe on these unseen classes, e.g. 5-9"),
            new Field("model", "small-cnn", "encoder family: small-cnn, mlp, resnet18, resnet34, resnet50"),
            new Field("width", 0, "base channel width (0 = the family's: small-cnn 32 -> 128-d embedding, resnet18 64 -> 512-d)"),
            new Field("embedding_dim", 0, "mlp embedding size (0 = 128); CNN embeddings follow --width"),
            new Field("projection_dim", 0, "projection head output size (0 = the family's: small-cnn 64, resnet18 128, mlp 128)"),
            new Field("stem", "cifar", "resnet stem: cifar (3x3, small images) or imagenet (7x7 + max-pool)"),
            new Field("init_weights", "", "start the resnet backbone from pretrained weights: a torchvision/timm ResNet-18/34/50 "
                    + "state dict as safetensors (F32/F16/BF16) or torch.save .pth; stem and width come from the weights, "
                    + "inputs are normalised with ImageNet's mean/std, fc.* is ignored"),
            new Field("freeze_backbone_epochs", 0, "keep the backbone frozen for the first N epochs (head warm-up): its "
                    + "weights are not updated and its BatchNorm runs in inference mode (running statistics used, not updated)"),
            new Field("loss", "supcon", "loss: " + String.join(", ", LossRegistry.names())),
            new Field("loss_params", Map.of(), "loss parameters (set them with the loss flags below; in a config file as "
                    + "top-level keys like the flags, \"tau_min\": 0.05, or in this object)"),
            new Field("views", 2, "augmented views per sample"),
            new Field("epochs", 10, "training epochs"),
            new Field("max_steps", 0, "stop after this many optimizer steps (0 = no limit)"),
            new Field("batch_size", 256, "samples per batch (each contributes --views rows to the loss)"),
            new Field("sampler", "auto", "batch sampler: random, balanced (m per class), auto (balanced for supervised losses)"),
            new Field("samples_per_class", 0, "m, samples per class in a balanced batch (0 = auto: batch / classes per batch, "
                    + "using as many classes as divide the batch)"),
            new Field("optimizer", "sgd", "optimizer: sgd (momentum, optional Nesterov) or adamw"),
            new Field("lr", 0.05, "peak learning rate"),
            new Field("momentum", 0.9, "SGD momentum (AdamW beta1)"),
            new Field("nesterov", false, "Nesterov momentum (SGD)"),
            new Field("weight_decay", 5e-4, "weight decay (L2 for SGD, decoupled for AdamW)"),
            new Field("warmup_epochs", 1.0, "linear learning-rate warm-up, in epochs"),
            new Field("schedule", "cosine", "learning-rate schedule after warm-up: cosine or constant"),
            new Field("clip_grad_norm", 0.0, "clip the global gradient norm to this value (0 = off)"),
            new Field("seed", 42L, "random seed (data order, augmentation, initialisation)"),
            new Field("device", "auto", DeviceSpec.GRAMMAR + "; auto = the first GPU PyTorch sees, else the CPU"),
            new Field("grad_cache_chunks", 0, "split each batch into N chunks forwarded one at a time (GradCache: the loss "
                    + "still sees the whole batch; bounds activation memory); 0 = off. Several GPUs always shard this way, "
                    + "with at least one chunk per GPU"),
            new Field("threads", 0, "PyTorch intra-op threads (0 = all cores)"),
            new Field("loader_threads", 0, "augmentation threads (0 = cores - 1, at least 1)"),
            new Field("augment", "auto", "augmentation preset: auto (grayscale-default or rgb-default by channels), grayscale-default, "
                    + "grayscale-strong, rgb-default, none"),
            new Field("eval_every", 1, "evaluate (1-NN, k-NN, linear probe) every N epochs (0 = only at the end)"),
            new Field("checkpoint_every_steps", 0, "also checkpoint every N steps (0 = only at epoch ends)"),
            new Field("knn_k", 5, "k for k-NN evaluation"),
            new Field("log_every_steps", 10, "write a metrics.jsonl step line every N steps"),
            new Field("out", "runs/train", "run directory"),
            new Field("export", true, "export model.onnx (with parity check) at the end"),
            new Field("report", true, "write report/index.html at the end"),
            new Field("baseline", "auto", "raw-pixel baseline at the final evaluation (the same k-NN on the normalised "
                    + "input values): auto (bounded: at most 1e11 multiply-adds, on evenly spaced queries when all cost "
                    + "more), full (every query), off"));

    public static final TrainConfig DEFAULTS = TrainConfig.fromJsonObject(defaultsJson());

    private TrainOptions() {}

    static JsonObject defaultsJson() {
        JsonObject o = new JsonObject();
        for (Field f : FIELDS) {
            o.add(f.json(), TrainConfig.GSON.toJsonTree(f.defaultValue()));
        }
        return o;
    }

    /** Adds one flag per field, {@code --config FILE}, and one flag per loss parameter of any loss. */
    public static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("config").hasArg().argName("FILE")
                .desc("JSON config file (flags override it)").build());
        options.addOption(Option.builder().longOpt("resume").hasArg().argName("DIR")
                .desc("continue the run in DIR from its last checkpoint; a larger --epochs or --max-steps extends it "
                        + "(schedule re-planned for the new length); flags that define the run cannot change").build());
        options.addOption(Option.builder().longOpt("overwrite")
                .desc("replace the run already in --out (its files are removed first); without it a non-empty --out "
                        + "is refused").build());
        for (Field f : FIELDS) {
            if (f.json().equals("loss_params")) {
                continue;
            }
            Option.Builder b = Option.builder().longOpt(f.flag()).desc(f.help() + " [default: " + f.defaultValue() + "]");
            if (f.defaultValue() instanceof Boolean) {
                b.hasArg().optionalArg(true).argName("true|false");
            } else {
                b.hasArg().argName(f.defaultValue() instanceof String ? "VALUE" : "N");
            }
            options.addOption(b.build());
        }
        for (Map.Entry<String, String> e : lossFlags().entrySet()) {
            if (!options.hasLongOption(e.getKey())) {
                options.addOption(Option.builder().longOpt(e.getKey()).hasArg().argName("V").desc(e.getValue()).build());
            }
        }
        return options;
    }

    /** Loss parameter flag → help, across all registered losses. */
    static Map<String, String> lossFlags() {
        Map<String, String> flags = new TreeMap<>();
        for (String loss : LossRegistry.names()) {
            for (LossParameter p : LossRegistry.parameters(loss)) {
                flags.merge(p.name(), "loss parameter (" + loss + ": " + p.description() + ", default " + p.defaultValue() + ")",
                        (a, b) -> a.substring(0, a.length() - 1) + "; " + b.substring("loss parameter (".length()));
            }
        }
        return flags;
    }

    /**
     * What may differ on {@code --resume}: how long the run goes ({@code epochs}, {@code max_steps}: a longer plan
     * extends it) and settings that change how it runs, not what it computes. Everything else defines the run.
     */
    public static final Set<String> RESUME_CHANGEABLE = Set.of("epochs", "max_steps", "device", "threads",
            "loader_threads", "eval_every", "checkpoint_every_steps", "log_every_steps", "export", "report", "baseline");

    /** Defaults ← config file ← flags. */
    public static TrainConfig resolve(CommandLine line) throws IOException {
        return resolve(line, defaultsJson());
    }

    /**
     * The configuration for {@code --resume}: the run's stored config ← config file ← flags. Values that cannot
     * change on resume are refused by name ({@link #checkResume}).
     */
    public static TrainConfig resolveResume(CommandLine line, TrainConfig stored) throws IOException {
        TrainConfig requested = resolve(line, stored.toJsonObject());
        checkResume(stored, requested);
        return requested;
    }

    /** Refuses a resume configuration that differs from the stored one outside {@link #RESUME_CHANGEABLE}. */
    public static void checkResume(TrainConfig stored, TrainConfig requested) {
        JsonObject before = stored.toJsonObject();
        JsonObject after = requested.toJsonObject();
        List<String> refused = new ArrayList<>();
        for (Field f : FIELDS) {
            JsonElement a = before.get(f.json());
            JsonElement b = after.get(f.json());
            if (!a.equals(b) && !RESUME_CHANGEABLE.contains(f.json())) {
                refused.add(f.json().equals("loss_params") ? "loss parameters (" + a + " -> " + b + ")"
                        : "--" + f.flag() + " (the run has " + a + ", asked for " + b + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("cannot change " + String.join(", ", refused) + " when resuming "
                    + stored.out() + ": they define the run; only " + String.join(", ", RESUME_CHANGEABLE.stream().sorted()
                    .map(n -> "--" + n.replace('_', '-')).toList()) + " may change (a larger --epochs or --max-steps "
                    + "extends it); start a new run with another --out for the rest");
        }
    }

    private static TrainConfig resolve(CommandLine line, JsonObject merged) throws IOException {
        if (line.hasOption("config")) {
            Path file = Path.of(line.getOptionValue("config"));
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "config file not found");
            }
            JsonElement parsed;
            try {
                parsed = JsonParser.parseString(Files.readString(file));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage() + ")");
            }
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException(file + ": the config must be a JSON object");
            }
            merge(merged, parsed.getAsJsonObject(), file.toString());
        }
        JsonObject fromFlags = new JsonObject();
        for (Field f : FIELDS) {
            if (!f.json().equals("loss_params") && line.hasOption(f.flag())) {
                String v = line.getOptionValue(f.flag());
                fromFlags.add(f.json(), typed(f, v == null ? "true" : v));
            }
        }
        Map<String, String> lossParams = new LinkedHashMap<>();
        merged.getAsJsonObject("loss_params").entrySet().forEach(e -> lossParams.put(e.getKey(), e.getValue().getAsString()));
        for (String flag : lossFlags().keySet()) {
            if (line.hasOption(flag)) {
                lossParams.put(flag, line.getOptionValue(flag));
            }
        }
        merge(merged, fromFlags, "command line");
        String loss = merged.get("loss").getAsString();
        if (!merged.get("loss").equals(defaultsJson().get("loss")) || !lossParams.isEmpty()) {
            // Validates the loss name and its parameters now, with the registry's message listing the valid ones.
            LossRegistry.create(loss, lossParams);
        }
        merged.add("loss_params", TrainConfig.GSON.toJsonTree(lossParams));
        return TrainConfig.fromJsonObject(merged);
    }

    /**
     * Keys the trainer writes into a run's {@code config.json} for the record (derived from the data and the options,
     * never an option themselves): read back from a config they are skipped, so a run's config.json can be reused as
     * a config file.
     */
    public static final Set<String> RECORDED = Set.of("eval_split");

    /**
     * Copies {@code from} into {@code into}; an unknown key or a value of the wrong type is an error naming it (and
     * the valid keys closest to it). Loss parameters may be given as top-level keys named like their flags with
     * {@code _} for {@code -} ({@code "tau_min": 0.05}, as {@code --tau-min 0.05}) or inside {@code loss_params}
     * (either spelling); both are merged into {@code loss_params}, and one parameter given twice with different values
     * is an error.
     */
    static void merge(JsonObject into, JsonObject from, String source) {
        JsonObject lossParams = into.has("loss_params") && into.get("loss_params").isJsonObject()
                ? into.getAsJsonObject("loss_params").deepCopy() : new JsonObject();
        Map<String, String> givenAs = new LinkedHashMap<>();
        Set<String> lossFlagNames = lossFlags().keySet();
        for (Map.Entry<String, JsonElement> e : from.entrySet()) {
            String key = e.getKey();
            if (RECORDED.contains(key)) {
                continue;
            }
            Field f = FIELDS.stream().filter(x -> x.json().equals(key)).findFirst().orElse(null);
            if (f != null) {
                checkType(f, e.getValue(), source);
                if (f.json().equals("loss_params")) {
                    for (Map.Entry<String, JsonElement> p : e.getValue().getAsJsonObject().entrySet()) {
                        putLossParam(lossParams, givenAs, p.getKey().replace('_', '-'), "loss_params." + p.getKey(),
                                p.getValue(), source);
                    }
                } else {
                    into.add(key, e.getValue());
                }
                continue;
            }
            String param = key.replace('_', '-');
            if (!key.contains("-") && lossFlagNames.contains(param)) {
                if (!e.getValue().isJsonPrimitive()) {
                    throw new IllegalArgumentException(source + ": " + key + " (a loss parameter) must be a number, string "
                            + "or boolean, got " + e.getValue());
                }
                putLossParam(lossParams, givenAs, param, key, e.getValue(), source);
                continue;
            }
            throw new IllegalArgumentException(source + ": unknown option '" + key + "' (" + closeKeys(key) + ")");
        }
        into.add("loss_params", lossParams);
    }

    private static void putLossParam(JsonObject lossParams, Map<String, String> givenAs, String param, String key,
            JsonElement value, String source) {
        String text = value.getAsString();
        String earlier = givenAs.get(param);
        if (earlier != null && !lossParams.get(param).getAsString().equals(text)) {
            throw new IllegalArgumentException(source + ": loss parameter " + param + " is given twice, as " + earlier + " = "
                    + lossParams.get(param) + " and as " + key + " = " + value + "; give it once");
        }
        givenAs.put(param, key);
        lossParams.addProperty(param, text);
    }

    /** Every key a config file may hold: the options, then the loss parameters (flag names with {@code _}). */
    public static List<String> configKeys() {
        List<String> keys = new ArrayList<>(FIELDS.stream().map(Field::json).toList());
        lossFlags().keySet().forEach(flag -> keys.add(flag.replace('-', '_')));
        return keys;
    }

    /** "did you mean: ..." with the keys closest to {@code key}, or every valid key when none is close. */
    static String closeKeys(String key) {
        List<String> keys = configKeys();
        List<String> close = new ArrayList<>();
        String k = key.toLowerCase(Locale.ROOT).replace('-', '_');
        for (String candidate : keys) {
            int distance = editDistance(k, candidate);
            boolean sharesWord = false;
            for (String word : candidate.split("_")) {
                sharesWord |= word.length() >= 4 && List.of(k.split("_")).contains(word);
            }
            if (distance <= Math.max(2, candidate.length() / 3) || sharesWord
                    || (k.length() >= 4 && (candidate.contains(k) || k.contains(candidate)) && candidate.length() >= 3)) {
                close.add(candidate);
            }
        }
        return close.isEmpty() ? "valid keys: " + String.join(", ", keys)
                : "did you mean " + String.join(", ", close) + "? config keys are the flags with _ for -; ./c4j train --help "
                        + "lists them";
    }

    /** Levenshtein distance. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The JSON type a field's value must have: that of its default (integers must be whole and in range). */
    private static void checkType(Field f, JsonElement v, String source) {
        Object d = f.defaultValue();
        String where = source + ": " + f.json();
        if (d instanceof Map) {
            if (!v.isJsonObject()) {
                throw new IllegalArgumentException(where + " must be an object of loss parameters, got " + v);
            }
            for (Map.Entry<String, JsonElement> p : v.getAsJsonObject().entrySet()) {
                if (!p.getValue().isJsonPrimitive()) {
                    throw new IllegalArgumentException(where + "." + p.getKey() + " must be a number, string or boolean, got "
                            + p.getValue());
                }
            }
            return;
        }
        boolean ok;
        String expected;
        if (d instanceof Boolean) {
            ok = v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean();
            expected = "true or false";
        } else if (d instanceof String) {
            ok = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
            expected = "a string";
        } else {
            ok = v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
            expected = d instanceof Double ? "a number" : "a whole number";
            if (ok && !(d instanceof Double)) {
                double x = v.getAsDouble();
                long max = d instanceof Integer ? Integer.MAX_VALUE : Long.MAX_VALUE;
                long min = d instanceof Integer ? Integer.MIN_VALUE : Long.MIN_VALUE;
                ok = x == Math.rint(x) && x <= max && x >= min;
                expected += " in [" + min + ", " + max + "]";
            }
        }
        if (!ok) {
            throw new IllegalArgumentException(where + " must be " + expected + ", got " + v);
        }
    }

    private static JsonElement typed(Field f, String v) {
        Object d = f.defaultValue();
        try {
            if (d instanceof Boolean) {
                if (!v.equals("true") && !v.equals("false")) {
                    throw new NumberFormatException();
                }
                return new JsonPrimitive(Boolean.parseBoolean(v));
            }
            if (d instanceof Integer) {
                return new JsonPrimitive(Integer.parseInt(v));
            }
            if (d instanceof Long) {
                return new JsonPrimitive(Long.parseLong(v));
            }
            if (d instanceof Double) {
                return new JsonPrimitive(Double.parseDouble(v));
            }
            return new JsonPrimitive(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + f.flag() + ": '" + v + "' is not a valid "
                    + d.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        }
    }
}
