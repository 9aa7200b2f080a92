package org.contrastive4j.trainer.cli;

import static org.contrastive4j.trainer.cli.CliRun.assertOneLineError;
import static org.contrastive4j.trainer.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.contrastive4j.trainer.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a user asked for is silently ignored or silently destroyed: every out-of-range value and unknown key is an
 * error naming it, an output that is an input is refused, and a used run directory is never silently reused.
 */
class RunGuardsTest {

    @TempDir
    Path dir;

    @Test
    void everyOutOfRangeTrainingValueNamesItsFlag() {
        String out = dir.resolve("run").toString();
        String[][] cases = {
            {"--max-train-samples", "-5", "--max-train-samples must be >= 0"},
            {"--max-test-samples", "-1", "--max-test-samples must be >= 0"},
            {"--width", "-8", "--width must be >= 0"},
            {"--width", "100000", "--width must be at most"},
            {"--projection-dim", "-3", "--projection-dim must be >= 0"},
            {"--embedding-dim", "-3", "--embedding-dim must be >= 0"},
            {"--clip-grad-norm", "-1", "--clip-grad-norm must be >= 0"},
            {"--clip-grad-norm", "NaN", "--clip-grad-norm must be >= 0"},
            {"--threads", "-2", "--threads must be >= 0"},
            {"--loader-threads", "-1", "--loader-threads must be >= 0"},
            {"--max-steps", "-1", "--max-steps must be >= 0"},
            {"--eval-every", "-1", "--eval-every must be >= 0"},
            {"--checkpoint-every-steps", "-4", "--checkpoint-every-steps must be >= 0"},
            {"--log-every-steps", "0", "--log-every-steps must be >= 1"},
            {"--samples-per-class", "-2", "--samples-per-class must be >= 0"},
            {"--knn-k", "0", "--knn-k must be >= 1"},
            {"--weight-decay", "Infinity", "--weight-decay must be >= 0"},
            {"--warmup-epochs", "-0.5", "--warmup-epochs must be >= 0"},
            {"--validation-fraction", "1.5", "--validation-fraction must be in [0, 1)"},
            {"--stem", "vgg", "unknown --stem 'vgg'"},
            {"--augment", "heavy", "unknown --augment 'heavy'"},
            {"--device", "tpu", "--device"},
        };
        for (String[] c : cases) {
            assertOneLineError(run("train", "--out", out, c[0], c[1]), c[2]);
        }
        assertOneLineError(run("train", "--out", out, "--epochs", "0", "--max-steps", "3"), "--epochs must be >= 1, got 0");
        assertFalse(Files.exists(dir.resolve("run")), "nothing is written for bad input");
    }

    @Test
    void sizesTheDataMakesImpossibleAreRefusedBeforeTraining() {
        String out = dir.resolve("run").toString();
        String[] small = {"train", "--out", out, "--data", "fashion-mnist-subset", "--max-train-samples", "200",
            "--max-test-samples", "50", "--batch-size", "20"};
        assertOneLineError(run(concat(small, "--knn-k", "100000")), "--knn-k 100000 is more than the 200 reference samples");
        assertOneLineError(run(concat(small, "--model", "mlp")), "--model mlp takes feature vectors");
        assertOneLineError(run(concat(small, "--views", "3000000")), "more than one array can hold");
        assertFalse(Files.exists(dir.resolve("run")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void demoAndBenchFlagsAreCheckedToo() {
        String out = dir.resolve("demo").toString();
        assertOneLineError(run("demo", "--out", out, "--max-steps", "-1"), "--max-steps must be >= 0, got -1");
        assertOneLineError(run("demo", "--out", out, "--epochs", "0"), "--epochs must be >= 1, got 0");
        assertOneLineError(run("demo", "--out", out, "--max-train-samples", "-10"), "--max-train-samples must be >= 0");
        assertOneLineError(run("demo", "--out", out, "--threads", "x"), "--threads: 'x' is not a whole number");
        assertOneLineError(run("bench", "train", "--steps", "-3"), "--steps must be >= 1, got -3");
        assertOneLineError(run("bench", "train", "--input-shape", "1,-28,28"), "--input-shape: every dimension must be >= 1");
        assertFalse(Files.exists(dir.resolve("demo")));
    }

    @Test
    void aConfigFileKeyMisspelledOrOfTheWrongTypeIsAnErrorNamingIt() throws IOException {
        Path cfg = dir.resolve("my.json");
        String out = dir.resolve("run").toString();
        Files.writeString(cfg, "{\"epochs\": 2, \"learning_rate\": 0.1}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "unknown option 'learning_rate'");
        Files.writeString(cfg, "{\"epochs\": \"ten\"}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "epochs must be a whole number");
        Files.writeString(cfg, "{\"epochs\": 2.5}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), cfg + ": epochs must be a whole number");
        Files.writeString(cfg, "{\"batch_size\": 1e12}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "batch_size must be a whole number in");
        Files.writeString(cfg, "{\"export\": \"yes\"}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "export must be true or false");
        Files.writeString(cfg, "{\"lr\": [0.1]}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "lr must be a number");
        Files.writeString(cfg, "{\"loss\": \"supcon\", \"loss_params\": {\"temprature\": 0.1}}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "temprature");
        Files.writeString(cfg, "{\"loss_params\": {\"temperature\": [0.1]}}");
        assertOneLineError(run("train", "--config", cfg.toString(), "--out", out), "loss_params.temperature must be");
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void aUsedRunDirectoryIsRefusedWithoutOverwriteAndTheDemoSaysHow() throws IOException {
        Path used = dir.resolve("used");
        Files.createDirectories(used);
        Files.writeString(used.resolve("summary.json"), "{}");
        assertOneLineError(run("train", "--out", used.toString(), "--max-steps", "1"), "is not empty");
        assertOneLineError(run("train", "--out", used.toString()), "--overwrite");
        assertOneLineError(run("demo", "--out", used.toString()), used + " already holds a run (an earlier demo?): pass "
                + "--overwrite");
        assertOneLineError(run("train", "--resume", used.toString(), "--overwrite"), "give one of them");
        assertOneLineError(run("train", "--resume", used.toString()), "not a resumable run directory");
        assertEquals("{}", Files.readString(used.resolve("summary.json")));
    }

    @Test
    void aRunDirectoryHeldByAnotherTrainerIsRefusedNamingTheOwner() throws IOException {
        Path held = dir.resolve("held");
        try (RunDirectory owner = RunDirectory.claim(held, RunDirectory.Use.NEW)) {
            CliRun.Outcome o = run("train", "--out", held.toString(), "--overwrite", "--max-steps", "1");
            assertOneLineError(o, "is in use by another trainer");
            assertTrue(o.err().contains("\"pid\": " + ProcessHandle.current().pid()) && o.err().contains("\"host\""), o.err());
        }
    }

    @Test
    void aRunDirectoryInsideTheDataIsRefused() throws IOException {
        Path data = dir.resolve("images");
        Files.createDirectories(data.resolve("cat"));
        assertOneLineError(run("train", "--data", data.toString(), "--out", data.resolve("run").toString()),
                "is inside the data");
        assertEquals(List.of(data.resolve("cat")), Files.list(data).toList());
    }

    @Test
    void overwriteReplacesTheOldRunSoNoStaleFileSitsBesideTheNewOnes() throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("checkpoints"));
        Files.writeString(run.resolve("model.onnx"), "old model");
        Files.writeString(run.resolve("summary.json"), "{\"steps\": 999}");
        Files.writeString(run.resolve("checkpoints/epoch-007.ckpt"), "old");
        Files.writeString(run.resolve("notes.txt"), "mine");
        CliRun.Outcome o = run("train", "--out", run.toString(), "--overwrite", "--data", "fashion-mnist-subset",
                "--max-train-samples", "200", "--max-test-samples", "50", "--batch-size", "20", "--max-steps", "2",
                "--epochs", "1", "--width", "4", "--export", "false", "--report", "false", "--loader-threads", "1");
        assertEquals(0, o.code(), o.err() + o.out());
        assertFalse(Files.exists(run.resolve("model.onnx")), "the old run's model must not sit beside the new summary");
        assertFalse(Files.exists(run.resolve("checkpoints/epoch-007.ckpt")));
        JsonObject s = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
        assertEquals(2, s.get("steps").getAsInt());
        assertEquals("mine", Files.readString(run.resolve("notes.txt")));
        assertTrue(o.out().contains("notes.txt"), "says which files it kept: " + o.out());
    }

    @Test
    void exportRefusesToWriteOverItsCheckpoint() throws IOException {
        Path ckpt = dir.resolve("c.ckpt");
        Files.write(ckpt, new byte[] {1, 2, 3});
        assertOneLineError(run("export", "--checkpoint", ckpt.toString(), "--out", ckpt.toString()), "is the input");
        assertOneLineError(run("export", "--checkpoint", ckpt.toString(), "--out", dir.resolve("./x/../c.ckpt").toString()),
                "is the input");
        Path runDir = dir.resolve("r");
        Files.createDirectories(runDir.resolve("checkpoints"));
        Files.write(runDir.resolve("checkpoints/last.ckpt"), new byte[] {4});
        assertOneLineError(run("export", "--run", runDir.toString(), "--out", runDir.resolve("checkpoints/last.ckpt")
                .toString()), "is the input");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(ckpt));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(runDir.resolve("checkpoints/last.ckpt")));
    }

    @Test
    void aSupervisedRunOnOneClassWarnsOnStderrAndInTheSummary() throws IOException {
        Path run = dir.resolve("one-class");
        CliRun.Outcome o = run("train", "--out", run.toString(), "--data", "fashion-mnist-subset", "--pretrain-classes", "0",
                "--transfer-classes", "1-9", "--loss", "supcon", "--max-train-samples", "100", "--max-test-samples", "50",
                "--batch-size", "20", "--max-steps", "1", "--width", "4", "--export", "false", "--report", "false",
                "--loader-threads", "1");
        assertEquals(0, o.code(), o.err() + o.out());
        String warning = "the training data has a single class (T-shirt/top)";
        assertTrue(o.err().contains("warning: " + warning), o.err());
        JsonObject s = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
        assertTrue(s.getAsJsonArray("warnings").get(0).getAsString().startsWith(warning), s.toString());
    }
}
