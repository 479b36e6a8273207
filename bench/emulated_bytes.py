#!/usr/bin/env python3
"""Bytes per step on each link of the emulated cluster, from a `lockstep bench --steps-only` JSON and the link
counters that bench/emulated-cluster.sh sampled around it; writes one JSON (the bench's, the links', the bytes).

    emulated_bytes.py BENCH.json LINKS.txt --workers N --rate R --rtt-ms X --exchange E --others K > OUT.json
    emulated_bytes.py --summary OUT.json         one line: step, exchange, driver and executor bytes

LINKS.txt: lines "wall-clock-ms port rx tx", the counters of the bridge's ports: a port's rx is what its namespace
sent, its tx what it received. Bytes per step = (counter at the last sample inside the measured steps - at the first)
/ (time between those samples) x (measured time / steps): the mean rate over the steps, times the mean step.
"""
import argparse
import json
import sys


def parameters(layers):
    return sum(a * b + b for a, b in zip(layers, layers[1:]))


def per_step(samples, start, end, steps):
    inside = [s for s in samples if start <= s[0] <= end]
    if len(inside) < 2:  # a phase shorter than two samples: the samples around it (a slight overestimate)
        before = [s for s in samples if s[0] < start][-1:]
        after = [s for s in samples if s[0] > end][:1]
        inside = before + inside + after
    (t0, rx0, tx0), (t1, rx1, tx1) = inside[0], inside[-1]
    scale = (end - start) / steps / (t1 - t0)
    return {"out": (rx1 - rx0) * scale, "in": (tx1 - tx0) * scale}


def combine(args):
    with open(args.bench) as f:
        bench = json.load(f)
    links = {}
    with open(args.links) as f:
        for line in f:
            t, port, rx, tx = line.split()
            links.setdefault(port, []).append((int(t), int(rx), int(tx)))
    spark = bench["spark"]
    clock = spark["steps_alone_wall_clock_ms"]
    steps = spark["steps"]
    by_port = {p: per_step(s, clock["start"], clock["end"], steps) for p, s in sorted(links.items())}
    executors = [by_port[f"v-w{i}"] for i in range(1, args.workers + 1)]
    p = parameters([int(x) for x in str(bench["config"]["layers"]).split(",")])
    return {
        "emulated": {
            "workers": args.workers,
            "executor_cores": 1,
            "link_rate": args.rate,
            "rtt_ms": args.rtt_ms,
            "shaping": "tc tbf on the egress of both ends of every veth pair (bridge in a namespace of its own)",
            "exchange": args.exchange,
            "other_jvms_running": args.others,
        },
        "parameters": p,
        "bytes_per_step": {
            "driver": by_port["v-drv"],
            "master": by_port["v-mst"],
            "executors": executors,
            "max_executor_in_plus_out": max(e["in"] + e["out"] for e in executors),
        },
        "bench": bench,
    }


def summary(path):
    with open(path) as f:
        doc = json.load(f)
    e, b, ms = doc["emulated"], doc["bytes_per_step"], doc["bench"]["spark"]["step_ms_median"]
    four_p = 4 * doc["parameters"]
    print(
        f"[emulated] n={e['workers']} {e['exchange']} P={doc['parameters']:,}: step {ms['total']:.1f} ms, "
        f"compute {ms['compute']:.1f}, exchange {ms['overhead']:.1f}; driver in {b['driver']['in'] / 1e6:.2f} MB "
        f"out {b['driver']['out'] / 1e6:.2f} MB ({(b['driver']['in'] + b['driver']['out']) / four_p:.2f} x 4P); "
        f"max executor {b['max_executor_in_plus_out'] / 1e6:.2f} MB ({b['max_executor_in_plus_out'] / four_p:.2f} x 4P)"
    )


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        summary(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("links")
    ap.add_argument("--workers", type=int, required=True)
    ap.add_argument("--rate", required=True)
    ap.add_argument("--rtt-ms", type=lambda v: None if v == "null" else float(v))
    ap.add_argument("--exchange", required=True)
    ap.add_argument("--others", type=int, default=0)
    json.dump(combine(ap.parse_args()), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
