package dev.lockstep.train;

import dev.lockstep.UsageException;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.train.step.TaskLifetime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The least heap the driver needs for a network, counted in arrays of the parameter count P that it holds at once,
 * so that a network it cannot hold is refused before Spark starts or any data is read, instead of ending in an
 * {@code OutOfMemoryError} (and only after the data was loaded). The count follows the training loop; Spark's own
 * memory and the data come on top, so a network that passes can still need more.
 */
public final class DriverMemory {
    private DriverMemory() {}

    /** One kind of array of P values, and how many of them (in float32 arrays: bf16 bytes count half). */
    record Part(String what, double arrays) {}

    /**
     * What a step holds at once on the driver: the parameters, the optimizer's buffers, the averaged gradient, the
     * parameters encoded for the tasks and at least one task's encoded gradient; the best epoch's parameters when
     * the run keeps them; a checkpoint's copy of the parameters and optimizer state and its encoded file; and in each task thread running in this JVM (a local
     * master) the decoded parameters, the gradient and the transposed weights of its network.
     */
    static List<Part> parts(TrainConfig config, boolean checkpoints, int localThreads) {
        int buffers = switch (config.optimizer().kind()) {
            case SGD -> 0;
            case MOMENTUM, NESTEROV -> 1;
            case ADAM -> 2;
        };
        double wire = switch (config.transfer()) {
            case FLOAT32 -> 1;
            case BF16 -> 0.5;
        };
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("parameters", 1));
        if (buffers > 0) parts.add(new Part(config.optimizer().kind().displayName() + " state", buffers));
        parts.add(new Part("gradient", 1));
        parts.add(new Part("parameters and a gradient on the wire", 2 * wire));
        boolean best = config.keep() == EpochSelection.Keep.BEST;
        if (best) parts.add(new Part("the best epoch's parameters", 1));
        if (checkpoints) parts.add(new Part("checkpoint", 2 * (1 + buffers + (best ? 1 : 0))));
        if (localThreads > 0)
            parts.add(new Part(
                    "the networks of " + localThreads + " local task thread" + (localThreads == 1 ? "" : "s"),
                    3.0 * localThreads));
        return parts;
    }

    /**
     * Task threads that run in the driver's JVM: a local master's cores, at most one per partition; 0 for a
     * cluster, whose executors have heaps of their own.
     */
    public static int localThreads(String master, OptionalInt partitions) {
        String m = master.trim();
        if (!m.equals("local") && !m.startsWith("local[")) return 0; // local-cluster[...] starts executor JVMs
        int cores;
        try {
            cores = TaskLifetime.localCores(m);
        } catch (IllegalArgumentException e) {
            return 0; // not a master Spark would start; Spark refuses it with its own message
        }
        return partitions.isPresent() ? Math.min(cores, partitions.getAsInt()) : cores;
    }

    /**
     * Refuses the configuration when its arrays alone exceed {@code maxHeapBytes}: a bad setting for this driver,
     * so a usage error (exit 2) that names the size and the heap, and how to change either.
     */
    public static void check(TrainConfig config, boolean checkpoints, int localThreads, long maxHeapBytes) {
        long arrayBytes = 4L * config.architecture().parameterCount();
        List<Part> parts = parts(config, checkpoints, localThreads);
        double arrays = parts.stream().mapToDouble(Part::arrays).sum();
        long needed = (long) Math.ceil(arrays * arrayBytes);
        if (needed <= maxHeapBytes) return;
        StringBuilder list = new StringBuilder();
        for (Part p : parts) {
            if (list.length() > 0) list.append(", ");
            list.append(p.what());
        }
        throw new UsageException(String.format(
                Locale.ROOT,
                "--layers %s has %,d parameters (%s a copy): training holds at least %s copies on the driver (%s), "
                        + "%s, but its heap is %s; use smaller layers, or %s",
                config.architecture().layersString(),
                config.architecture().parameterCount(),
                HeapBudget.mb(arrayBytes),
                arrays == Math.rint(arrays) ? String.valueOf((long) arrays) : String.valueOf(arrays),
                list,
                HeapBudget.mb(needed),
                HeapBudget.mb(maxHeapBytes),
                HeapBudget.RAISE));
    }
}
