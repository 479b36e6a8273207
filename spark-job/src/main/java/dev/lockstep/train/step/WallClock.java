package dev.lockstep.train.step;

import java.time.Instant;

/** Wall-clock microseconds, comparable between JVMs on one host (System.nanoTime is not). */
final class WallClock {
    private WallClock() {}

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
