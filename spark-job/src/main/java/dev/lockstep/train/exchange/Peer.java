package dev.lockstep.train.exchange;

import java.io.Serializable;

/** Where a task's blocks can be fetched: its executor's block manager (Spark's {@code BlockManagerId}). */
record Peer(String executorId, String host, int port) implements Serializable {
    Peer {
        if (executorId.isEmpty() || host.isEmpty() || port < 1 || port > 65535)
            throw new IllegalArgumentException("bad block manager address " + executorId + "@" + host + ":" + port);
    }

    @Override
    public String toString() {
        return "executor " + executorId + " (" + host + ":" + port + ")";
    }
}
