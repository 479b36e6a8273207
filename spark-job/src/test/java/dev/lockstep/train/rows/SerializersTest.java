package dev.lockstep.train.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.PreparedRecords;
import dev.lockstep.data.RowBlock;
import dev.lockstep.model.InputScaling;
import dev.lockstep.train.exchange.ExchangedBytes;
import dev.lockstep.train.exchange.PartialGradient;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.sum.WirePrecision;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import scala.reflect.ClassTag$;

/**
 * Everything Spark serializes with its data serializer (broadcast values, task results) must survive Java
 * serialization and Kryo, which clusters commonly turn on (conf/spark-cluster.conf does). Kryo cannot build Java
 * records and ignores writeObject hooks, so those would fail only on a cluster.
 */
class SerializersTest {
    static List<Serializer> serializers() {
        SparkConf conf = new SparkConf(false);
        return List.of(new JavaSerializer(conf), new KryoSerializer(conf));
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(Serializer s, T value) {
        SerializerInstance i = s.newInstance();
        return (T) i.deserialize(i.serialize(value, ClassTag$.MODULE$.Any()), ClassTag$.MODULE$.Any());
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void taskResultsAndBroadcastValuesSurvive(Serializer s) {
        byte[] encoded = WirePrecision.FLOAT32.encode(new float[] {1.5f, -0f, Float.MIN_VALUE});
        PartialGradient g = roundTrip(
                s,
                new PartialGradient(
                        new int[] {2, 3},
                        new int[] {3, 5},
                        new ExchangedBytes[] {ExchangedBytes.inline(encoded), ExchangedBytes.inline(new byte[4])},
                        new double[] {2.25, 0.5},
                        7,
                        5,
                        PartialGradient.taskTime(11, 13, 17, 19)));
        assertArrayEquals(encoded, g.gradients[0].bytes());
        assertEquals(new SumTree.Node(3, 5), g.node(1));
        assertEquals(0.5, g.losses[1]);
        assertEquals(7, g.rows);
        assertEquals(5, g.correct);
        assertEquals(PartialGradient.taskTime(11, 13, 17, 19), g.time);
        long exchange = ExchangedBytes.openExchange();
        try {
            PartialGradient held = roundTrip(
                    s,
                    new PartialGradient(
                            new int[] {1},
                            new int[] {2},
                            new ExchangedBytes[] {ExchangedBytes.hold(exchange, 1, encoded)},
                            new double[] {2.25},
                            7,
                            5,
                            PartialGradient.taskTime(11, 13, 17, 19)));
            assertSame(
                    encoded,
                    held.gradients[0].bytes(),
                    "a held gradient's key survives, on a local master with Kryo too");
        } finally {
            ExchangedBytes.closeExchange(exchange);
        }

        Evaluation e = roundTrip(s, new Evaluation(2, 1.5, new long[] {3, 1, 0, 4}));
        assertEquals(0.875, e.accuracy());

        RowBlock b = roundTrip(s, new RowBlock(10, 2, 2, new byte[] {1, 2, 3, 4}, new byte[] {5, 6}));
        assertEquals(10, b.firstRow());
        assertEquals(6, b.label(1));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, b.bytes());
        RowBlock f = roundTrip(s, RowBlock.ofFloats(3, 2, 1, new float[] {0.5f, -2f}, new int[] {300, 1}));
        assertFalse(f.isBytes());
        assertArrayEquals(new float[] {0.5f, -2f}, f.floats());
        assertEquals(300, f.label(0), "a label above 255 survives");
        assertEquals(1, f.label(1));
        RowBlock c = roundTrip(s, RowBlock.ofBytes(0, 1, 2, new byte[] {(byte) 200, 7}, new int[] {25}));
        assertTrue(c.isBytes());
        assertEquals(200f, c.raw(0, 0));
        assertEquals(25, c.label(0));

        InputScaling scaling = InputScaling.perFeature(new float[] {2f, 0.5f}, new float[] {-1f, 3f});
        assertEquals(scaling, roundTrip(s, scaling));
        assertEquals(InputScaling.UNIT, roundTrip(s, InputScaling.UNIT));

        Configuration conf = new Configuration(false);
        conf.set("fs.example.setting", "shipped");
        assertEquals("shipped", roundTrip(s, new ShippedConf(conf)).get().get("fs.example.setting"));

        float[] params = {0.25f, -3f};
        assertArrayEquals(params, roundTrip(s, params));

        DataError d = roundTrip(
                s,
                DataError.of(
                        new DataFormatException("f: label 12 of record 7 is out of range", new IOException("cause"))));
        assertEquals(DataFormatException.class, d.error().getClass(), "a task's data error keeps its class");
        assertEquals("f: label 12 of record 7 is out of range", d.error().getMessage());
        assertEquals("cause", d.error().getCause().getMessage());
    }

    /** parallelize() keeps its elements in the partitions, written with the data serializer: Kryo too. */
    @ParameterizedTest
    @MethodSource("serializers")
    void preparedReadTasksSurvive(Serializer s) {
        PreparedRows.Task t = roundTrip(
                s,
                new PreparedRows.Task(
                        List.of(new PreparedRecords.Slice(100, 2, 40, 3, new long[] {5})),
                        new PreparedRecords.BlockChecksums(1024, 5000, 1, new int[] {7, -8})));
        assertEquals(100, t.slices().get(0).firstRow());
        assertArrayEquals(new long[] {5}, t.slices().get(0).keep());
        assertArrayEquals(new int[] {7, -8}, t.checksums().crcs());
        assertEquals(5000, t.checksums().fileRecords());
    }
}
