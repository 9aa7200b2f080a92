package org.contrastive4j.exporter;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: measures each family's export at default widths (node count, file size, export time, parity).
 * Run with {@code mvn -B -q -o -pl exporter -am test -Dtest=ExportMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * -Dc4j.measure=true}; the table goes to stdout and exporter/target/export-measurements.md.
 */
@EnabledIfSystemProperty(named = "c4j.measure", matches = "true")
class ExportMeasurement {

    @Test
    void measure() throws Exception {
        List<ModelSpec> specs = List.of(
                ModelSpec.mlp(64, new int[] {256, 256}, 128),
                ModelSpec.smallCnn(1, 28, 28),
                ModelSpec.smallCnn(1, 28, 28).withNumClasses(10),
                ModelSpec.resnet18(3, 32, 32, ModelSpec.STEM_CIFAR),
                ModelSpec.resnet18(3, 224, 224, ModelSpec.STEM_IMAGENET));
        List<String> rows = new ArrayList<>();
        rows.add("| family | input | outputs | nodes | file bytes | export s | max abs diff | scaled diff |");
        rows.add("|---|---|---|---|---|---|---|---|");
        Path dir = Files.createTempDirectory("c4j-measure");
        for (ModelSpec spec : specs) {
            try (NDManager m = NDManager.newBaseManager()) {
                EncoderBlock block = Encoders.build(spec).initialize(m);
                TestModels.train(block, m, 2, 8);
                Path out = dir.resolve(spec.family() + ".onnx");
                ExportReport r = OnnxExporter.export(block, ExportOptions.defaults(), out);
                rows.add(String.format(Locale.ROOT, "| %s%s w%d | %s | %s | %d | %d | %.2f | %.3g | %.3g |", spec.family(),
                        spec.stem() == null ? "" : " " + spec.stem(), spec.width(), Arrays.toString(spec.inputShape()),
                        spec.numClasses() > 0 ? "4" : "2", r.nodeCount(), r.fileBytes(), r.seconds(), r.maxAbsDiff(),
                        r.maxScaledDiff()));
                Files.copy(out, Path.of("target", spec.family() + (spec.stem() == null ? "" : "-" + spec.stem())
                        + (spec.numClasses() > 0 ? "-head" : "") + ".onnx"), StandardCopyOption.REPLACE_EXISTING);
                Files.delete(out);
            }
        }
        Files.delete(dir);
        String table = String.join("\n", rows) + "\n";
        System.out.print(table);
        Files.writeString(Path.of("target/export-measurements.md"), table);
    }
}
