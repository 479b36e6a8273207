package dev.lockstep.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.lockstep.LockstepException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The one JSON configuration for everything Lockstep writes (model.json, metrics.json, history.jsonl), so output
 * is stable and diffable.
 *
 * <ul>
 *   <li>Map entries keep their insertion order (pass a {@link LinkedHashMap}); they are never sorted.</li>
 *   <li>Non-finite numbers (NaN, ±Infinity, e.g. a diverged loss) are written as {@code null}: standard JSON has
 *       no literal for them, and {@code null} keeps every strict parser (Python, jq, browsers) working.</li>
 *   <li>Floats are written with float precision ({@code 0.003921569}, not {@code 0.003921568859368563}).</li>
 *   <li>Pretty output indents by two spaces, uses {@code "key": value} and {@code \n} line ends on every OS.</li>
 * </ul>
 */
public final class Json {
    private static final ObjectMapper MAPPER = createMapper();
    private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());
    private static final ObjectWriter LINE = MAPPER.writer();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private Json() {}

    /** Multi-line JSON without a trailing newline. */
    public static String pretty(Object value) {
        return write(PRETTY, value);
    }

    /** Single-line JSON (newlines inside strings are escaped), for one record of a .jsonl file. */
    public static String line(Object value) {
        return write(LINE, value);
    }

    /** Parses a JSON object, keeping key order; numbers become Integer/Long/Double, objects LinkedHashMaps. */
    public static Map<String, Object> parseMap(String json, String sourceName) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new LockstepException(sourceName + " is not a JSON object: " + e.getOriginalMessage());
        }
    }

    /** Reads a JSON object from any Hadoop file system URI. */
    public static Map<String, Object> readMap(Configuration conf, String uri) {
        Path path = HadoopPaths.of(uri);
        try (InputStream in = HadoopPaths.fileSystem(path, conf).open(path)) {
            return MAPPER.readValue(in, MAP);
        } catch (FileNotFoundException e) {
            throw new LockstepException(uri + " does not exist");
        } catch (JsonProcessingException e) {
            throw new LockstepException(uri + " is not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LockstepException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    private static String write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only our own maps of plain values are written, so this is a programming error, not a user error.
            throw new UncheckedIOException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectMapper createMapper() {
        SimpleModule finite = new SimpleModule("lockstep-finite-numbers");
        finite.addSerializer(Double.class, new FiniteDouble());
        finite.addSerializer(double.class, new FiniteDouble());
        finite.addSerializer(Float.class, new FiniteFloat());
        finite.addSerializer(float.class, new FiniteFloat());
        finite.addSerializer(double[].class, new FiniteDoubleArray());
        finite.addSerializer(float[].class, new FiniteFloatArray());
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(finite);
        mapper.configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);
        mapper.configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
        mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        return mapper;
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultPrettyPrinter printer = new KeyColonValue();
        printer.indentObjectsWith(new DefaultIndenter("  ", "\n"));
        printer.indentArraysWith(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
        return printer;
    }

    /**
     * {@code "key": value} instead of Jackson's {@code "key" : value}. An override, not {@code Separators.Spacing}:
     * that arrived in Jackson 2.16, and Spark 3.5 ships 2.15.
     */
    private static final class KeyColonValue extends DefaultPrettyPrinter {
        KeyColonValue() {}

        private KeyColonValue(KeyColonValue base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new KeyColonValue(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }

    private static final class FiniteDouble extends StdSerializer<Double> {
        FiniteDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            writeDouble(v, g);
        }
    }

    private static final class FiniteFloat extends StdSerializer<Float> {
        FiniteFloat() {
            super(Float.class);
        }

        @Override
        public void serialize(Float v, JsonGenerator g, SerializerProvider p) throws IOException {
            writeFloat(v, g);
        }
    }

    private static final class FiniteDoubleArray extends StdSerializer<double[]> {
        FiniteDoubleArray() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (double v : a) writeDouble(v, g);
            g.writeEndArray();
        }
    }

    private static final class FiniteFloatArray extends StdSerializer<float[]> {
        FiniteFloatArray() {
            super(float[].class);
        }

        @Override
        public void serialize(float[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (float v : a) writeFloat(v, g);
            g.writeEndArray();
        }
    }

    private static void writeDouble(double v, JsonGenerator g) throws IOException {
        if (Double.isFinite(v)) g.writeNumber(v);
        else g.writeNull();
    }

    private static void writeFloat(float v, JsonGenerator g) throws IOException {
        if (Float.isFinite(v)) g.writeNumber(v);
        else g.writeNull();
    }
}
