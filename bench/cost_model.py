#!/usr/bin/env python3
"""Per-step time and scaling efficiency at 8, 64 and 256 executors, from two `lockstep bench` JSON files.

    python3 bench/cost_model.py LOCAL.json CLUSTER.json

LOCAL.json: `deploy/lockstep bench` on local[2] (compute per row, encode, combine, update).
CLUSTER.json: `deploy/standalone/submit.sh bench` on a standalone cluster of 1-core executors (what a task, a
parameter fetch and a returned gradient cost when they cross process boundaries).

The model (one core per executor, one partition per executor, E executors, global batch B):
    T(E) = ship + J1 + m (E - 1) + fetch(E) + c B / E + r E + k E + update
  c       compute per row on one core (the Spark-free loop on 1 thread: slowest partition / rows per partition)
  ship    encoding the parameters on the driver
  J1, m   an empty job with one task (cluster), and each further task: (empty job of 64 tasks - empty job of 1
          task) / 63, on the cluster, where 64 tasks queue on its few cores, so m also holds each task's
          executor-side launch: an upper bound on the driver's share
  fetch   shipping the parameters to the executors (cluster: empty job with the parameters in the task minus
          empty job), growing with log2(E) (torrent broadcast: the number of peers holding the block doubles
          each round)
  r       driver-side cost of one returned gradient (cluster: empty job returning gradient bytes minus empty
          job, per task): results arrive at the one driver, so this grows linearly
  k       adding one partial gradient on the driver (local combine / partitions)
Resident tasks (`--task-lifetime epoch`) run no job per step; the driver sends the parameters to each executor
and takes each answer over its RPC endpoint, one after the other:
    T(E) = ship + h E + c B / E + k E + update
  h       the hand-over per executor, both ways: (launch + return) of the cluster's resident steps / executors
Speed-up is against the same batch on one core without Spark (c B + update); efficiency = speed-up / cores.
bf16 halves the bytes: r and fetch are halved (an upper bound on what it saves). Everything else is measured.
The last table gives executors of C cores, each running one task of C threads (`--partitions-per-task C`):
E tasks and E returned sums instead of E x C, compute divided by E x C (threads assumed to scale perfectly).
"""
import json
import math
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def constants(local, cluster):
    free1 = next(l for l in local["without_spark"] if l["threads"] == 1)
    ls, cs = local["spark"], cluster["spark"]
    rows_per_partition = ls["batch"] / ls["partitions"]
    p = cs["partitions"]
    one, empty = cs["one_task_empty_job_ms_median"], cs["empty_job_ms_median"]
    return {
        "c": free1["slowest_partition_ms"] / rows_per_partition,
        "ship": ls["step_ms_median"]["ship"],
        "J1": one,
        "m": max(0.0, (cs["many_tasks_empty_job_ms_median"] - one) / (cs["many_tasks"] - 1)),
        "fetch": max(0.0, cs["task_carried_parameters_and_empty_job_ms_median"] - empty),
        "fetch_executors": p,
        "r": max(0.0, cs["empty_job_returning_gradient_bytes_ms_median"] - empty) / p,
        "k": ls["step_ms_median"]["combine"] / ls["partitions"],
        "update": ls["step_ms_median"]["update"],
        "h": resident_handover(cs),
    }


def resident_handover(spark):
    """Per executor, ms: from the resident steps of a cluster bench (the training lifetime, or alternated)."""
    runs = [spark] + spark.get("alternated_with", [])
    resident = next((r for r in runs if r.get("task_lifetime") == "epoch"), None)
    if resident is None:
        return float("nan")
    m = resident["step_ms_median"]
    return (m["launch"] + m["return"]) / spark["partitions"]


def resident_table(k, batch_of, title):
    print(f"\n{title}\n")
    print("| executors | batch | step ms | compute | hand-over | speed-up | efficiency | a job per step: step ms | efficiency |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for e in (8, 64, 256):
        b = batch_of(e)
        compute = k["c"] * b / e
        handover = k["h"] * e
        t = k["ship"] + handover + compute + k["k"] * e + k["update"]
        per_step, _ = step_ms(k, e, b)
        serial = k["c"] * b + k["update"]
        print(f"| {e} | {b} | {t:.1f} | {compute:.1f} | {handover:.1f} | {serial / t:.1f} | {serial / t / e:.0%} | "
              f"{per_step:.1f} | {serial / per_step / e:.0%} |")


def step_ms(k, executors, batch, bytes_factor=1.0, cores=1):
    fetch = k["fetch"] * bytes_factor * max(1.0, math.log2(executors) / max(1.0, math.log2(k["fetch_executors"])))
    parts = {
        "fixed": k["ship"] + k["J1"] + k["update"],
        "tasks": k["m"] * (executors - 1),
        "fetch": fetch,
        "compute": k["c"] * batch / (executors * cores),
        "return": (k["r"] * bytes_factor + k["k"]) * executors,
    }
    return sum(parts.values()), parts


def table(k, batch_of, title, cores=1):
    print(f"\n{title}\n")
    print("| executors | cores | batch | step ms | compute | fixed | tasks | fetch | return | speed-up | efficiency | bf16: step ms | bf16 efficiency |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for e in ((8, 64, 256) if cores == 1 else (1, 8, 32)):
        n = e * cores
        b = batch_of(n)
        t, parts = step_ms(k, e, b, cores=cores)
        tb, _ = step_ms(k, e, b, 0.5, cores=cores)
        serial = k["c"] * b + k["update"]
        print(f"| {e} | {n} | {b} | {t:.1f} | {parts['compute']:.1f} | {parts['fixed']:.1f} | {parts['tasks']:.1f} | "
              f"{parts['fetch']:.1f} | {parts['return']:.1f} | {serial / t:.1f} | {serial / t / n:.0%} | {tb:.1f} | {serial / tb / n:.0%} |")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    k = constants(load(sys.argv[1]), load(sys.argv[2]))
    print("Constants (ms): " + ", ".join(f"{name} {v:.4g}" for name, v in k.items()))
    table(k, lambda e: 1024, "Fixed global batch 1024 (the auto batch for 60,000 rows):")
    table(k, lambda e: 128 * e, "Batch grows with the cluster, 128 rows per core:")
    table(k, lambda n: 128 * n, "8-core executors, one task of 8 threads each; 128 rows per core:", cores=8)
    resident_table(k, lambda e: 1024, "Resident tasks, 1-core executors, fixed global batch 1024:")
    resident_table(k, lambda e: 128 * e, "Resident tasks, 1-core executors, 128 rows per core:")


if __name__ == "__main__":
    main()
