package dev.lockstep.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** Predictions come back from executors as task results: they must survive Kryo, which clusters often use. */
class PredictionSerializationTest {
    @Test
    void survivesKryo() {
        SerializerInstance kryo = new KryoSerializer(new SparkConf(false)).newInstance();
        Prediction p = Prediction.of("a.png", -1, -1, new float[] {0.1f, 0.9f});
        Prediction back =
                (Prediction) kryo.deserialize(kryo.serialize(p, ClassTag$.MODULE$.Any()), ClassTag$.MODULE$.Any());
        assertEquals(p.csvLine(), back.csvLine());
    }
}
