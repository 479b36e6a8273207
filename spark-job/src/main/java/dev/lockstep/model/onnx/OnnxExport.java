package dev.lockstep.model.onnx;

import dev.lockstep.LockstepException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * A trained model as an ONNX graph that scores raw rows exactly as {@link dev.lockstep.model.Classifier} does:
 *
 * <pre>
 * input [N, inputs] float (raw values: pixels 0-255 for an image model)
 *   -> Mul scale, Add offset     (the model's input scaling; left out when it is 1, resp. 0, for every feature)
 *   -> Gemm -> Relu|Sigmoid|Tanh (each hidden layer; weights [out][in] with transB = 1, as Lockstep stores them)
 *   -> Gemm -> Softmax           (the output layer)
 * probabilities [N, classes] float
 * </pre>
 *
 * <p>The scaling stays two element-wise nodes rather than being folded into the first layer's weights: folded,
 * {@code W (x * s + o) + b} would round differently ({@code (W s) x + (W o + b)}), while Mul then Add in float
 * computes the very values the classifier feeds its network. Operator set 13 and IR version 7, which every ONNX
 * runtime of the last years reads.
 */
public final class OnnxExport {
    /** IR version 7 (ONNX 1.8) carries operator set 13; newer runtimes read older IR versions. */
    static final long IR_VERSION = 7;

    static final long OPSET = 13;
    static final String INPUT = "input";
    static final String OUTPUT = "probabilities";

    /** Protobuf messages cannot exceed 2 GiB; leave room for everything besides the parameters. */
    private static final long MAX_PARAMETER_BYTES = (1L << 31) - (1L << 20);

    // TensorProto.DataType.FLOAT and AttributeProto.AttributeType.INT, from onnx.proto.
    private static final int FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;

    private OnnxExport() {}

    /** Atomically writes the ONNX file of {@code model} to {@code uri}, any Hadoop FileSystem URI. */
    public static void write(Configuration conf, String uri, MlpModel model) {
        byte[] bytes = toBytes(model);
        AtomicFiles.write(conf, uri, out -> out.write(bytes));
    }

    /** The serialized ONNX ModelProto of {@code model}. */
    public static byte[] toBytes(MlpModel model) {
        Architecture arch = model.architecture();
        if (4L * arch.parameterCount() + 8L * arch.inputSize() > MAX_PARAMETER_BYTES) {
            throw new LockstepException("model " + arch.layersString() + " has " + arch.parameterCount()
                    + " parameters: too large for an ONNX file (protobuf messages are limited to 2 GiB)");
        }
        ProtoWriter modelProto = new ProtoWriter()
                .varint(ModelProto.IR_VERSION, IR_VERSION)
                .message(
                        ModelProto.OPSET_IMPORT,
                        new ProtoWriter().string(OperatorSetId.DOMAIN, "").varint(OperatorSetId.VERSION, OPSET))
                .string(ModelProto.PRODUCER_NAME, "lockstep")
                .string(ModelProto.PRODUCER_VERSION, producerVersion())
                .string(
                        ModelProto.DOC_STRING,
                        "Lockstep MLP " + arch.layersString() + ", hidden activation "
                                + arch.hidden().name().toLowerCase(Locale.ROOT) + describeInput(model))
                .message(ModelProto.GRAPH, graph(model));
        return modelProto.toByteArray();
    }

    private static ProtoWriter graph(MlpModel model) {
        Architecture arch = model.architecture();
        float[] p = model.parameters();
        int inputs = arch.inputSize();
        List<ProtoWriter> nodes = new ArrayList<>();
        List<ProtoWriter> initializers = new ArrayList<>();

        String x = INPUT;
        InputScaling s = model.scaling();
        float[] scale = new float[inputs];
        float[] offset = new float[inputs];
        boolean scales = false, offsets = false;
        for (int f = 0; f < inputs; f++) {
            scale[f] = s.scale(f);
            offset[f] = s.offset(f);
            scales |= scale[f] != 1f;
            offsets |= offset[f] != 0f;
        }
        if (scales) {
            initializers.add(tensor("scale", vectorOf(scale, s.isUniform()), dims(s.isUniform() ? 1 : inputs)));
            nodes.add(node("Mul", "scale_input", List.of(x, "scale"), "scaled"));
            x = "scaled";
        }
        if (offsets) {
            initializers.add(tensor("offset", vectorOf(offset, s.isUniform()), dims(s.isUniform() ? 1 : inputs)));
            nodes.add(node("Add", "offset_input", List.of(x, "offset"), "network_input"));
            x = "network_input";
        }

        int layers = arch.layerCount();
        for (int l = 0; l < layers; l++) {
            int in = arch.size(l), out = arch.size(l + 1);
            String w = "layer" + l + ".weight", b = "layer" + l + ".bias";
            initializers.add(tensor(w, slice(p, arch.weightOffset(l), in * out), dims(out, in)));
            initializers.add(tensor(b, slice(p, arch.biasOffset(l), out), dims(out)));
            String z = "layer" + l + ".linear";
            nodes.add(node("Gemm", "layer" + l + ".gemm", List.of(x, w, b), z)
                    .message(Node.ATTRIBUTE, intAttribute("transB", 1)));
            if (l < layers - 1) {
                x = "layer" + l + ".output";
                nodes.add(node(activationOp(arch), "layer" + l + ".activation", List.of(z), x));
            } else {
                nodes.add(node("Softmax", "softmax", List.of(z), OUTPUT)
                        .message(Node.ATTRIBUTE, intAttribute("axis", 1)));
            }
        }

        ProtoWriter graph = new ProtoWriter();
        for (ProtoWriter n : nodes) graph.message(Graph.NODE, n);
        graph.string(Graph.NAME, "lockstep_mlp");
        for (ProtoWriter t : initializers) graph.message(Graph.INITIALIZER, t);
        graph.message(Graph.INPUT, valueInfo(INPUT, inputs));
        graph.message(Graph.OUTPUT, valueInfo(OUTPUT, arch.outputSize()));
        return graph;
    }

    private static String activationOp(Architecture arch) {
        return switch (arch.hidden()) {
            case RELU -> "Relu";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
        };
    }

    /** A uniform scaling is one value, broadcast over the row. */
    private static float[] vectorOf(float[] perFeature, boolean uniform) {
        return uniform ? new float[] {perFeature[0]} : perFeature;
    }

    private static float[] slice(float[] p, int from, int length) {
        float[] v = new float[length];
        System.arraycopy(p, from, v, 0, length);
        return v;
    }

    private static long[] dims(long... d) {
        return d;
    }

    /** A float TensorProto; raw_data holds the values little-endian, the same bytes as packed float_data. */
    private static ProtoWriter tensor(String name, float[] values, long[] dims) {
        return new ProtoWriter()
                .packedInt64s(Tensor.DIMS, dims)
                .varint(Tensor.DATA_TYPE, FLOAT)
                .string(Tensor.NAME, name)
                .packedFloats(Tensor.RAW_DATA, values);
    }

    private static ProtoWriter node(String op, String name, List<String> inputs, String output) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(Node.INPUT, i);
        return n.string(Node.OUTPUT, output).string(Node.NAME, name).string(Node.OP_TYPE, op);
    }

    private static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter()
                .string(Attribute.NAME, name)
                .varint(Attribute.I, value)
                .varint(Attribute.TYPE, ATTRIBUTE_INT);
    }

    /** A float tensor of shape [N, width], N left symbolic so that any batch size runs. */
    private static ProtoWriter valueInfo(String name, int width) {
        ProtoWriter shape = new ProtoWriter()
                .message(Shape.DIM, new ProtoWriter().string(Shape.DIM_PARAM, "N"))
                .message(Shape.DIM, new ProtoWriter().varint(Shape.DIM_VALUE, width));
        ProtoWriter tensorType =
                new ProtoWriter().varint(TensorType.ELEM_TYPE, FLOAT).message(TensorType.SHAPE, shape);
        return new ProtoWriter()
                .string(ValueInfo.NAME, name)
                .message(ValueInfo.TYPE, new ProtoWriter().message(Type.TENSOR_TYPE, tensorType));
    }

    private static String describeInput(MlpModel model) {
        String kind = model.byteInput() ? "raw pixel values 0-255" : "raw feature values";
        return model.isImage()
                ? "; input: " + model.height() + "x" + model.width() + " image, row-major, " + kind
                : "; input: " + model.architecture().inputSize() + " " + kind;
    }

    private static String producerVersion() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // Field numbers of the messages used, from onnx/onnx.proto.
    private static final class ModelProto {
        static final int IR_VERSION = 1, PRODUCER_NAME = 2, PRODUCER_VERSION = 3, DOC_STRING = 6, GRAPH = 7;
        static final int OPSET_IMPORT = 8;
    }

    private static final class OperatorSetId {
        static final int DOMAIN = 1, VERSION = 2;
    }

    private static final class Graph {
        static final int NODE = 1, NAME = 2, INITIALIZER = 5, INPUT = 11, OUTPUT = 12;
    }

    private static final class Node {
        static final int INPUT = 1, OUTPUT = 2, NAME = 3, OP_TYPE = 4, ATTRIBUTE = 5;
    }

    private static final class Attribute {
        static final int NAME = 1, I = 3, TYPE = 20;
    }

    private static final class Tensor {
        static final int DIMS = 1, DATA_TYPE = 2, NAME = 8, RAW_DATA = 9;
    }

    private static final class ValueInfo {
        static final int NAME = 1, TYPE = 2;
    }

    private static final class Type {
        static final int TENSOR_TYPE = 1;
    }

    private static final class TensorType {
        static final int ELEM_TYPE = 1, SHAPE = 2;
    }

    private static final class Shape {
        static final int DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2;
    }
}
