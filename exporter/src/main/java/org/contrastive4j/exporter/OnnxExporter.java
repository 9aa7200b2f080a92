package org.contrastive4j.exporter;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.eval.LinearProbe;
import org.contrastive4j.exporter.ExportOptions.Output;
import org.contrastive4j.exporter.OnnxGraph.Op;
import org.contrastive4j.exporter.OnnxGraph.Value;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports an {@link EncoderBlock} to ONNX (opset 17) and proves the file computes what DJL computes: the model is
 * written to a temporary file, run by ONNX Runtime on seeded random batches (and a real batch when given), compared
 * with DJL in inference mode, and only renamed into place when the difference is within the tolerance.
 *
 * <p>The tolerance bounds max |DJL - ORT| / max(1, max |DJL|) per output: an absolute bound for outputs within
 * [-1, 1] (projection, probabilities) and a relative one for larger outputs (embeddings, logits), whose float32
 * rounding grows with their magnitude (a ResNet embedding of magnitude 16 differs by a few ULPs, ~5e-6, between
 * PyTorch and ONNX Runtime kernels). The raw max abs difference is reported and stored in the metadata.
 */
public final class OnnxExporter {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);

    private OnnxExporter() {}

    public static ExportReport export(EncoderBlock block, ExportOptions options, Path out) throws IOException {
        return export(block, options, out, ConverterRegistry.defaults());
    }

    /** As {@link #export(EncoderBlock, ExportOptions, Path)} with a custom converter table. */
    public static ExportReport export(EncoderBlock block, ExportOptions options, Path out, ConverterRegistry registry)
            throws IOException {
        long start = System.nanoTime();
        DjlRuntime.engine();
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("cannot export an uninitialised encoder (initialise or load it first)");
        }
        ModelSpec spec = block.spec();
        Set<Output> outputs = resolveOutputs(block, options);
        OnnxGraph graph = buildGraph(block, outputs, registry, options);
        int nodeCount = graph.nodeCount();

        int sampleLength = 1;
        for (int d : spec.inputShape()) {
            sampleLength = Math.multiplyExact(sampleLength, d);
        }
        List<ParityChecker.Check> checks = ParityChecker.checks(options, sampleLength);
        List<Map<Output, float[]>> reference = new ArrayList<>();
        for (ParityChecker.Check c : checks) {
            reference.add(ParityChecker.djl(block, c, outputs, options));
        }

        Map<String, String> metadata = new LinkedHashMap<>(options.metadata());
        metadata.put(MetadataKeys.FORMAT_VERSION, MetadataKeys.FORMAT);
        metadata.put(MetadataKeys.MODEL_SPEC, spec.toJson());
        metadata.put(MetadataKeys.INPUT_SHAPE, new Gson().toJson(spec.inputShape()));
        metadata.put(MetadataKeys.EMBEDDING_DIM, Integer.toString(spec.embeddingDim()));
        metadata.put(MetadataKeys.VERSIONS, Versions.json());
        metadata.put(MetadataKeys.CREATED, Instant.now().toString());
        if (outputs.contains(Output.EMBEDDING_CENTERED)) {
            metadata.put(MetadataKeys.DEFAULT_OUTPUT, Output.EMBEDDING_CENTERED.onnxName());
            metadata.put(MetadataKeys.EMBEDDING_MEAN, new Gson().toJson(options.embeddingMean().orElseThrow()));
        } else {
            metadata.remove(MetadataKeys.DEFAULT_OUTPUT);
            metadata.remove(MetadataKeys.EMBEDDING_MEAN);
        }
        boolean probeHead = options.linearProbe().isPresent()
                && (outputs.contains(Output.LOGITS) || outputs.contains(Output.PROBABILITIES));
        if (!probeHead) {
            // a description of a probe head that this file does not carry would be wrong
            metadata.remove(MetadataKeys.CLASSIFIER_HEAD);
        }
        String producer = Versions.contrastive4j();
        String doc = "contrastive4j " + spec.family() + " encoder";

        ParityChecker.Diffs[] measured = new ParityChecker.Diffs[1];
        AtomicFiles.writePath(out, tmp -> {
            Files.write(tmp, graph.toModelBytes(metadata, producer, doc));
            ParityChecker.Diffs d = ParityChecker.compare(tmp, spec.inputShape(), checks, reference);
            if (!(d.maxScaled() <= options.tolerance())) {
                throw new ParityException("parity check failed: ONNX Runtime and DJL differ by " + d.maxAbs()
                        + " (scaled " + d.maxScaled() + ", at " + d.worst() + "), above the tolerance " + options.tolerance()
                        + "; no file written", d.maxAbs(), d.abs());
            }
            // metadata does not change the computation, so the figures measured above are the figures of this file
            metadata.put(MetadataKeys.PARITY_MAX_ABS_DIFF, Double.toString(d.maxAbs()));
            metadata.put(MetadataKeys.PARITY_MAX_SCALED_DIFF, Double.toString(d.maxScaled()));
            Files.write(tmp, graph.toModelBytes(metadata, producer, doc));
            verifyWritten(tmp, metadata, spec, checks.get(0), reference.get(0), options.tolerance());
            measured[0] = d;
        });
        ParityChecker.Diffs d = measured[0];
        ExportReport report = new ExportReport(out, d.maxAbs(), d.abs(), nodeCount, Files.size(out),
                (System.nanoTime() - start) / 1e9, d.maxScaled());
        LOG.info("exported {} encoder to {}: {} nodes, {} bytes, parity max abs diff {}", spec.family(), out, nodeCount,
                report.fileBytes(), d.maxAbs());
        return report;
    }

    static Set<Output> resolveOutputs(EncoderBlock block, ExportOptions options) {
        boolean probe = options.linearProbe().isPresent();
        if (probe && block.hasClassifier()) {
            throw new IllegalArgumentException("this " + block.spec().family() + " encoder has its own classifier head; a "
                    + "linear probe head would replace it (export without the probe)");
        }
        boolean head = block.hasClassifier() || probe;
        Set<Output> outputs = options.outputs().map(EnumSet::copyOf).orElseGet(() -> {
            EnumSet<Output> d = EnumSet.of(Output.EMBEDDING, Output.PROJECTION);
            if (head) {
                d.add(Output.LOGITS);
                d.add(Output.PROBABILITIES);
            }
            if (options.embeddingMean().isPresent()) {
                d.add(Output.EMBEDDING_CENTERED);
            }
            return d;
        });
        if (!head && (outputs.contains(Output.LOGITS) || outputs.contains(Output.PROBABILITIES))) {
            throw new IllegalArgumentException("outputs logits/probabilities need a classifier head, and this "
                    + block.spec().family() + " encoder has none (numClasses = 0) and no linear probe was given");
        }
        int dim = block.spec().embeddingDim();
        if (outputs.contains(Output.EMBEDDING_CENTERED)) {
            float[] mean = options.embeddingMean().orElseThrow(() -> new IllegalArgumentException("output "
                    + Output.EMBEDDING_CENTERED.onnxName() + " needs the training embeddings' mean (export a run, "
                    + "whose data gives it)"));
            if (mean.length != dim) {
                throw new IllegalArgumentException("the embedding mean has " + mean.length + " values, the "
                        + block.spec().family() + " embedding " + dim);
            }
        }
        if (probe && options.linearProbe().get().dim() != dim) {
            throw new IllegalArgumentException("the linear probe takes " + options.linearProbe().get().dim()
                    + "-dimensional inputs, the " + block.spec().family() + " embedding has " + dim);
        }
        return outputs;
    }

    static OnnxGraph buildGraph(EncoderBlock block, Set<Output> outputs, ConverterRegistry registry, ExportOptions options) {
        ModelSpec spec = block.spec();
        OnnxGraph g = new OnnxGraph("contrastive4j-" + spec.family());
        ConversionContext ctx = new ConversionContext(g, registry, spec);
        Value input = g.input("input", spec.inputShape());
        Value embedding = ctx.convertChild(block, block.backbone(), input);
        if (outputs.contains(Output.EMBEDDING)) {
            g.output(Output.EMBEDDING.onnxName(), embedding, spec.embeddingDim());
        }
        if (outputs.contains(Output.PROJECTION)) {
            g.output(Output.PROJECTION.onnxName(), ctx.convertChild(block, block.projectionHead(), embedding), spec.projectionDim());
        }
        if (outputs.contains(Output.LOGITS) || outputs.contains(Output.PROBABILITIES)) {
            int classes;
            Value logits;
            if (block.hasClassifier()) {
                logits = ctx.convertChild(block, block.classifier().orElseThrow(), embedding);
                classes = spec.numClasses();
            } else {
                LinearProbe probe = options.linearProbe().orElseThrow();
                logits = AddedHeads.probeLogits(g, embedding, probe);
                classes = probe.classes();
            }
            if (outputs.contains(Output.LOGITS)) {
                g.output(Output.LOGITS.onnxName(), logits, classes);
            }
            if (outputs.contains(Output.PROBABILITIES)) {
                Value p = g.apply(Op.SOFTMAX, "softmax", Map.of("axis", 1), logits);
                g.output(Output.PROBABILITIES.onnxName(), p, classes);
            }
        }
        if (outputs.contains(Output.EMBEDDING_CENTERED)) {
            g.output(Output.EMBEDDING_CENTERED.onnxName(), AddedHeads.centered(g, embedding,
                    options.embeddingMean().orElseThrow()), spec.embeddingDim());
        }
        return g;
    }

    /** The final bytes carry the parity figure: re-read them, check the figure and re-run the first batch. */
    private static void verifyWritten(Path file, Map<String, String> metadata, ModelSpec spec, ParityChecker.Check check,
                                      Map<Output, float[]> reference, double tolerance) throws IOException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = OrtRuntime.environment().createSession(file.toString(), so)) {
            Map<String, String> got = s.getMetadata().getCustomMetadata();
            if (!metadata.equals(got)) {
                throw new IOException("the written model's metadata differs from what was written: " + got.keySet());
            }
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot load the written model: " + e.getMessage(), e);
        }
        ParityChecker.Diffs d = ParityChecker.compare(file, spec.inputShape(), List.of(check), List.of(reference));
        if (!(d.maxScaled() <= tolerance)) {
            throw new ParityException("the final model file differs from DJL by " + d.maxAbs(), d.maxAbs(), d.abs());
        }
    }
}
