package org.contrastive4j.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.contrastive4j.models.ModelSpec;

/**
 * State of one conversion: the graph being built, the converter table, the model spec (for settings DJL keeps
 * private, such as BatchNorm's epsilon) and the path of the block being converted, for error messages and names.
 */
public final class ConversionContext {

    private final OnnxGraph graph;
    private final ConverterRegistry registry;
    private final ModelSpec spec;
    private final Deque<String> path = new ArrayDeque<>();

    ConversionContext(OnnxGraph graph, ConverterRegistry registry, ModelSpec spec) {
        this.graph = graph;
        this.registry = registry;
        this.spec = spec;
    }

    public OnnxGraph graph() {
        return graph;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The path of the block being converted, e.g. {@code 01backbone/03SequentialBlock/01Conv2d}. */
    public String path() {
        return String.join("/", path);
    }

    /** Converts {@code child}, a direct child of {@code parent}, under the name DJL gave it. */
    public OnnxGraph.Value convertChild(Block parent, Block child, OnnxGraph.Value input) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (c.getValue() == child) {
                return convert(c.getKey(), child, input);
            }
        }
        throw new IllegalArgumentException("block " + child.getClass().getSimpleName() + " is not a child of " + path());
    }

    /** Converts {@code block}, named {@code name} in its parent, with the converter registered for its type. */
    public OnnxGraph.Value convert(String name, Block block, OnnxGraph.Value input) {
        path.addLast(name);
        try {
            BlockConverter<Block> converter = registry.find(block.getClass());
            if (converter == null) {
                throw unsupported(block, "no ONNX converter for " + block.getClass().getName()
                        + (block instanceof LambdaBlock ? " (a LambdaBlock is opaque: use a named block from "
                        + "org.contrastive4j.models.blocks)" : ""));
            }
            return converter.convert(this, block, input);
        } finally {
            path.removeLast();
        }
    }

    /** An exception naming the current path, with a LambdaBlock's name quoted: {@code 02SequentialBlock/03LambdaBlock "anonymous"}. */
    public UnsupportedBlockException unsupported(Block block, String why) {
        String where = path() + (block instanceof LambdaBlock l ? " \"" + l.getName() + "\"" : "");
        return new UnsupportedBlockException(where, why);
    }

    /** The named direct parameter of {@code block} as an initialiser called {@code path.name}. */
    public OnnxGraph.Value parameter(Block block, String name) {
        Map<String, Parameter> params = block.getDirectParameters().toMap();
        Parameter p = params.get(name);
        if (p == null || p.getArray() == null) {
            throw unsupported(block, "expected an initialised parameter '" + name + "', found " + params.keySet());
        }
        NDArray a = p.getArray();
        return graph.initializer(path() + "." + name, a.toFloatArray(), a.getShape().getShape());
    }

    /** A unique-enough node output name derived from the current path. */
    public String name(String suffix) {
        return path() + "/" + suffix;
    }
}
