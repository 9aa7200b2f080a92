package org.contrastive4j.exporter;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXRef;

/**
 * The one seam between our converters and the ONNX graph library (tribuo-util-onnx and its protobuf classes):
 * converters add inputs, initialisers and nodes through this class and never touch the library directly.
 */
public final class OnnxGraph {

    public static final int OPSET = 17;
    /** IR version 8 is the first that opset 17 allows; every ONNX Runtime since 1.12 reads it. */
    public static final long IR_VERSION = 8;

    /** The opset-17 operators we emit (tribuo's own enum stops at opset 13). */
    public enum Op implements ONNXOperator {
        CONV("Conv", 2, 1, ints("kernel_shape"), ints("strides"), ints("pads"), ints("dilations"), integer("group")),
        GEMM("Gemm", 2, 1, real("alpha"), real("beta"), integer("transA"), integer("transB")),
        BATCH_NORMALIZATION("BatchNormalization", 5, 0, real("epsilon"), real("momentum"), integer("training_mode")),
        RELU("Relu", 1, 0),
        MAX_POOL("MaxPool", 1, 0, ints("kernel_shape"), ints("strides"), ints("pads"), ints("dilations"), integer("ceil_mode")),
        GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0),
        FLATTEN("Flatten", 1, 0, integer("axis")),
        ADD("Add", 2, 0),
        SUB("Sub", 2, 0),
        MUL("Mul", 2, 0),
        MAX("Max", 2, 0),
        DIV("Div", 2, 0),
        REDUCE_L2("ReduceL2", 1, 0, ints("axes"), integer("keepdims")),
        SOFTMAX("Softmax", 1, 0, integer("axis")),
        IDENTITY("Identity", 1, 0);

        private final String opName;
        private final int inputs;
        private final int optionalInputs;
        private final Map<String, ONNXAttribute> attributes;

        Op(String opName, int inputs, int optionalInputs, ONNXAttribute... attributes) {
            this.opName = opName;
            this.inputs = inputs;
            this.optionalInputs = optionalInputs;
            Map<String, ONNXAttribute> m = new LinkedHashMap<>();
            for (ONNXAttribute a : attributes) {
                m.put(a.getName(), a);
            }
            this.attributes = Collections.unmodifiableMap(m);
        }

        @Override
        public String getOpName() {
            return opName;
        }

        @Override
        public int getNumInputs() {
            return inputs;
        }

        @Override
        public int getNumOptionalInputs() {
            return optionalInputs;
        }

        @Override
        public int getNumOutputs() {
            return 1;
        }

        @Override
        public Map<String, ONNXAttribute> getAttributes() {
            return attributes;
        }

        @Override
        public Set<String> getMandatoryAttributeNames() {
            return Set.of();
        }

        @Override
        public int getOpVersion() {
            return OPSET;
        }

        @Override
        public String getOpDomain() {
            return "";
        }

        private static ONNXAttribute ints(String name) {
            return new ONNXAttribute(name, AttributeType.INTS, false);
        }

        private static ONNXAttribute integer(String name) {
            return new ONNXAttribute(name, AttributeType.INT, false);
        }

        private static ONNXAttribute real(String name) {
            return new ONNXAttribute(name, AttributeType.FLOAT, false);
        }
    }

    /** A tensor in the graph (graph input, initialiser or node output). */
    public static final class Value {
        private final ONNXRef<?> ref;

        private Value(ONNXRef<?> ref) {
            this.ref = ref;
        }

        public String name() {
            return ref.getReference();
        }

        @Override
        public String toString() {
            return name();
        }
    }

    private final ONNXContext context = new ONNXContext();
    private String inputName;
    private int[] inputSampleShape;
    private final List<String> outputs = new ArrayList<>();

    public OnnxGraph(String name) {
        context.setName(name);
    }

    /** The float32 graph input, shaped [batch, ...sampleShape] with a symbolic batch dimension. */
    public Value input(String name, int[] sampleShape) {
        if (inputName != null) {
            throw new IllegalStateException("the graph already has input " + inputName);
        }
        inputName = name;
        inputSampleShape = sampleShape.clone();
        // tribuo only builds [batch, n] inputs; the full shape is set when the graph is built
        return new Value(context.floatInput(name, 1));
    }

    /** A float32 initialiser of the given dims holding {@code data} in row-major order. */
    public Value initializer(String name, float[] data, long[] dims) {
        long n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        if (n != data.length) {
            throw new IllegalArgumentException("initialiser " + name + ": " + data.length + " values for dims " + Arrays.toString(dims));
        }
        List<Integer> d = Arrays.stream(dims).mapToObj(x -> Math.toIntExact(x)).collect(Collectors.toList());
        return new Value(context.floatTensor(name, d, buf -> buf.put(data)));
    }

    /** A float32 scalar initialiser (broadcasts in elementwise ops). */
    public Value scalar(String name, float value) {
        return new Value(context.constant(name, value));
    }

    /** Adds one node; {@code attributes} values are Integer, Float or int[] as the operator declares. */
    public Value apply(Op op, String outputName, Map<String, Object> attributes, Value... inputs) {
        List<ONNXRef<?>> refs = new ArrayList<>(inputs.length);
        for (Value v : inputs) {
            refs.add(v.ref);
        }
        return new Value(context.operation(op, refs, outputName, attributes == null ? Map.of() : attributes));
    }

    /** Declares a graph output {@code name} of shape [batch, dim] holding {@code value}. */
    public void output(String name, Value value, int dim) {
        value.ref.assignTo(context.floatOutput(name, dim));
        outputs.add(name);
    }

    /** Serialises the model (opset 17) with the given metadata_props. */
    public byte[] toModelBytes(Map<String, String> metadata, String producerVersion, String docString) {
        OnnxMl.GraphProto graph = graph();
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("contrastive4j")
                .setProducerVersion(producerVersion)
                .setDocString(docString == null ? "" : docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    public int nodeCount() {
        return context.buildGraph().getNodeCount();
    }

    public List<String> outputNames() {
        return List.copyOf(outputs);
    }

    private OnnxMl.GraphProto graph() {
        if (inputName == null || outputs.isEmpty()) {
            throw new IllegalStateException("the graph needs an input and at least one output");
        }
        OnnxMl.GraphProto built = context.buildGraph();
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : inputSampleShape) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.ValueInfoProto input = OnnxMl.ValueInfoProto.newBuilder().setName(inputName)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
        return built.toBuilder().setInput(0, input).build();
    }
}
