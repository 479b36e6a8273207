package dev.lockstep.warm;

import dev.lockstep.data.DataFiles;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.io.Json;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.RunPlan;
import dev.lockstep.train.StartWeights;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.InMemoryRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Warm start against from scratch on Fashion-MNIST, in one JVM: a "previous" model trained on the first rows of the
 * training set (yesterday's data), then runs of a few epochs on all the training rows (today's), each once from the
 * previous model's weights ({@code train --init-from}: fresh optimizer state, the same schedule) and once from the
 * seeded initialisation, all scored on the test set. Run by {@code bench/warm-start.sh}.
 */
public final class WarmStartBench {
    private WarmStartBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        String fashion = opts.getOrDefault("--fashion", "../shared/data/fashion-mnist");
        String out = opts.getOrDefault("--out", "warm-start.json");
        String master = opts.getOrDefault("--master", "local[2]");
        int[] layers = Architecture.parse(opts.getOrDefault("--layers", "784,256,128,10"), Activation.RELU)
                .sizes();
        int previousRows = Integer.parseInt(opts.getOrDefault("--previous-rows", "50000"));
        int previousEpochs = Integer.parseInt(opts.getOrDefault("--previous-epochs", "10"));
        int[] epochs = Arrays.stream(opts.getOrDefault("--epochs", "1,3").split(","))
                .mapToInt(e -> Integer.parseInt(e.strip()))
                .toArray();
        int trainRows = Integer.parseInt(opts.getOrDefault("--train-rows", "0")); // 0: all
        int testRows = Integer.parseInt(opts.getOrDefault("--test-rows", "0"));
        int partitions = Integer.parseInt(opts.getOrDefault("--partitions", "2"));
        long seed = Long.parseLong(opts.getOrDefault("--seed", "1"));
        String warmLr = opts.get("--warm-lr"); // unset: the same auto rate as from scratch

        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName("lockstep warm start")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Configuration hadoop = sc.hadoopConfiguration();
            DataFiles files = DataFiles.resolve(hadoop, fashion, null, null);
            LabeledImages all = files.loadTrain(hadoop);
            LabeledImages test = files.loadTest(hadoop).orElseThrow();
            if (trainRows > 0) all = all.slice(0, trainRows);
            if (testRows > 0) test = test.slice(0, testRows);
            if (previousRows >= all.count()) {
                throw new IllegalArgumentException("--previous-rows " + previousRows + " must be fewer than the "
                        + all.count() + " training rows");
            }
            InMemoryRows today = new InMemoryRows(all);
            InMemoryRows yesterday = new InMemoryRows(all.slice(0, previousRows));
            InMemoryRows testSet = new InMemoryRows(test);

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("started", Instant.now().toString());
            report.put("master", master);
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("data", fashion);
            report.put("layers", layers);
            report.put("partitions", partitions);
            report.put("seed", seed);
            report.put("train_rows", all.count());
            report.put("test_rows", test.count());

            TrainingResult previous =
                    fit(sc, config(layers, previousEpochs, partitions, seed, null), yesterday, testSet, null);
            report.put("previous", run(previousEpochs, previous, previousRows));
            line("previous model", previousRows, previousEpochs, previous);
            StartWeights start = StartWeights.of(previous.parameters());

            List<Map<String, Object>> runs = new ArrayList<>();
            for (int e : epochs) {
                TrainingResult warm = fit(sc, config(layers, e, partitions, seed, warmLr), today, testSet, start);
                line("warm start", all.count(), e, warm);
                TrainingResult scratch = fit(sc, config(layers, e, partitions, seed, null), today, testSet, null);
                line("from scratch", all.count(), e, scratch);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epochs", e);
                m.put("warm_start", run(e, warm, all.count()));
                m.put("from_scratch", run(e, scratch, all.count()));
                m.put(
                        "accuracy_points_gained",
                        100
                                * (warm.finalEvaluation().accuracy()
                                        - scratch.finalEvaluation().accuracy()));
                runs.add(m);
            }
            report.put("runs", runs);
            report.put("finished", Instant.now().toString());
            Files.writeString(Path.of(out), Json.pretty(report) + "\n", StandardCharsets.UTF_8);
            System.out.println("[warm-start] written " + out);
        }
    }

    private static TrainConfig config(int[] layers, int epochs, int partitions, long seed, String lr) {
        TrainConfig.Builder b = TrainConfig.builder()
                .layers(layers)
                .epochs(epochs)
                .partitions(partitions)
                .seed(seed);
        if (lr != null) b.learningRate(Double.parseDouble(lr));
        return b.build();
    }

    /** A run from {@code start}'s weights with a fresh optimizer, as {@code train --init-from}; null: from scratch. */
    private static TrainingResult fit(
            JavaSparkContext sc, TrainConfig config, InMemoryRows train, InMemoryRows test, StartWeights start) {
        RunPlan plan = RunPlan.of(config, train, test, "test");
        RunPlan.Placed placed = plan.placedOn(sc, start);
        return new Trainer(sc, List.of())
                .fit(placed, start == null ? Optional.empty() : Optional.of(start.checkpoint(placed)));
    }

    private static Map<String, Object> run(int epochs, TrainingResult r, int rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_rows", rows);
        m.put("epochs", epochs);
        m.put("test_accuracy", r.finalEvaluation().accuracy());
        m.put("test_loss", r.finalEvaluation().loss());
        m.put("train_seconds", r.trainSeconds());
        m.put(
                "epoch_test_accuracy",
                r.history().stream().map(h -> h.eval().accuracy()).toList());
        return m;
    }

    private static void line(String what, int rows, int epochs, TrainingResult r) {
        System.out.printf(
                Locale.ROOT,
                "[warm-start] %-14s %,7d rows %3d epoch(s)  test accuracy %6.2f%%  %7.1f s%n",
                what,
                rows,
                epochs,
                100 * r.finalEvaluation().accuracy(),
                r.trainSeconds());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) m.put(args[i], args[i + 1]);
        return m;
    }
}
