package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.step.TaskLifetime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;

/** Each epoch's (or step's) and each evaluation's Spark job says what it is, for the Spark UI. */
class JobDescriptionTest {
    @Test
    void jobsNameTheirEpochAndStep() throws Exception {
        List<String> descriptions = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                String d = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
                if (d != null && d.startsWith("lockstep ")) descriptions.add(d);
            }
        };
        SharedSpark.context().sc().addSparkListener(listener);
        try {
            LabeledImages sample = TestData.sample();
            for (TaskLifetime lifetime : TaskLifetime.values()) {
                TrainConfig config = TrainConfig.builder()
                        .layers(new int[] {784, 8, 10})
                        .epochs(2)
                        .batchSize(500)
                        .partitions(2)
                        .taskLifetime(lifetime)
                        .build();
                new Trainer(SharedSpark.context(), config, List.of())
                        .fit(
                                new InMemoryRows(sample.slice(0, 1000)),
                                new InMemoryRows(sample.slice(9000, 9200)),
                                "test");
            }
            long deadline = System.nanoTime() + 10_000_000_000L; // listener events arrive asynchronously
            while (descriptions.size() < 12 && System.nanoTime() < deadline) Thread.sleep(50);
        } finally {
            SharedSpark.context().sc().removeSparkListener(listener);
        }
        assertTrue(descriptions.contains("lockstep evaluate test before training"), descriptions.toString());
        assertTrue(descriptions.contains("lockstep train epoch 1/2 step 1/2"), descriptions.toString());
        assertTrue(descriptions.contains("lockstep train epoch 2/2 step 2/2"), descriptions.toString());
        assertTrue(
                descriptions.contains("lockstep train epoch 1/2 steps 1-2 (resident tasks)"), descriptions.toString());
        assertTrue(
                descriptions.contains("lockstep train epoch 2/2 steps 1-2 (resident tasks)"), descriptions.toString());
        assertTrue(descriptions.contains("lockstep evaluate test after epoch 2/2"), descriptions.toString());
    }
}
