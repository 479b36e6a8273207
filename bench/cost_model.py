#!/usr/bin/env python3
"""The step time of synchronous data-parallel training with the driver exchange and the sharded one, fitted to the
emulated cluster (bench/emulated-cluster.sh) and extrapolated to real clusters.

    python3 bench/cost_model.py RESULT.json...        the JSON files of one run of bench/emulated-cluster.sh

Notation: N executors of 1 core, P parameters (4P bytes as float32), global batch B, link bandwidth bw (bytes/ms, the
tc rate of every link), measured per step (medians): compute = the slowest task's compute, exchange = step - compute.

    step(N) = compute(N) + exchange(N)
    compute(N) = c B / min(N, cores)      c: compute per example on one core (N = 1 run); on the emulated cluster
                                           the N executors share this machine's cores; on a real cluster cores = N
    driver exchange:  exchange(N) = u + N 8P (1/bw + d)
        the driver sends 4P to each executor and takes 4P back from each, one after another through its own link
    sharded exchange: exchange(N) = u + h_s + 8P (1/bw + d) + 8P (N-1)/N (1/bw + e s(N)) + 2 (N-1) l
        the driver takes in each slice's sum once and sends the parameters once (8P bytes through its link);
        each executor sends and receives 4P (N-1)/N in the reduce-scatter of gradient slices and as much again in
        the all-gather of parameter slices, all executors at once, each over its own link; 2 (N-1) messages to peers
  u       the driver's own work on the parameters (ship + combine + update, measured)
  d       per model: the driver's cost per byte of a hand-over beyond the wire's 1/bw (serialisation, AES, copies,
          and its per-message costs spread over the bytes), from the N = 1 run
  h_s     per model: the sharded exchange's cost at N = 1 beyond the driver's 8P bytes
  e, l    an executor's CPU per byte moved, and the cost of a message to a peer: from the sharded runs at N = 1 and 2
          of the two models (l >= 0)
  s(N)    max(1, N / cores): on the emulated cluster the executors' CPU work shares the machine's cores; 1 on a
          real cluster
Constants come from the N = 1 runs (and the sharded N = 2 runs); every other row is a prediction. Without sharded
runs, e = the largest d and l = 0 (stated as assumed). Real clusters: the same per-byte CPU and per-message costs as
measured here (2 shared cores, other work running: an upper bound), the link's bandwidth instead of the tc rate; a
model not measured takes the largest measured model's constants, compute scaled with P. Speed-up is against one
core without Spark on the same batch (c B + u); efficiency = speed-up / N.
"""
import json
import re
import sys
from collections import defaultdict

CORES = 2  # this machine's, shared by the emulated executors and driver


def bytes_per_ms(rate):
    n, unit = re.fullmatch(r"(\d+)(kbit|mbit|gbit)", rate).groups()
    return int(n) * {"kbit": 1e3, "mbit": 1e6, "gbit": 1e9}[unit] / 8 / 1000


def load(paths):
    runs = {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        s = doc["bench"]["spark"]
        ms = s["step_ms_median"]
        runs[(doc["emulated"]["exchange"], doc["parameters"], doc["emulated"]["workers"])] = {
            "step": ms["total"],
            "compute": ms["compute"],
            "exchange": ms["overhead"],
            "u": ms["ship"] + ms["combine"] + ms["update"],
            "batch": s["batch"],
            "bw": bytes_per_ms(doc["emulated"]["link_rate"]),
            "rtt": doc["emulated"]["rtt_ms"],
            "rate": doc["emulated"]["link_rate"],
            "driver_in": doc["bytes_per_step"]["driver"]["in"],
            "driver_out": doc["bytes_per_step"]["driver"]["out"],
            "others": doc["emulated"].get("other_jvms_running"),
            "max_executor_bytes": doc["bytes_per_step"]["max_executor_in_plus_out"],
        }
    return runs


def solve2(a, b):
    """x, y with a[0] x + a[1] y = a[2] and b[0] x + b[1] y = b[2]."""
    det = a[0] * b[1] - a[1] * b[0]
    return (a[2] * b[1] - a[1] * b[2]) / det, (a[0] * b[2] - a[2] * b[0]) / det


def fit(runs):
    models = sorted({p for (_, p, _) in runs})
    one = {p: runs[("driver", p, 1)] for p in models}
    bw = one[models[-1]]["bw"]
    k = {"bw": bw, "rtt": one[models[-1]]["rtt"], "rate": one[models[-1]]["rate"], "models": models}
    k["c"] = {p: one[p]["compute"] / one[p]["batch"] for p in models}  # ms per example, one core
    k["u"] = {p: one[p]["u"] for p in models}
    # The hand-over of one executor at N = 1 is 8P (1/bw + d): d holds the driver's CPU per byte and, spread over
    # the bytes, its per-message costs (fitting those apart from two models was within the noise of this machine).
    k["d"] = {p: (one[p]["exchange"] - one[p]["u"]) / (8 * p) - 1 / bw for p in models}
    k["sharded_measured"] = all(("sharded", p, n) in runs for p in models for n in (1, 2))
    if k["sharded_measured"]:
        sh = {(p, n): runs[("sharded", p, n)]["exchange"] for p in models for n in (1, 2)}
        k["hs"] = {p: sh[(p, 1)] - k["u"][p] - 8 * p * (1 / bw + k["d"][p]) for p in models}
        # From N = 1 to N = 2: 4P (1/bw + e) + 2 l, for the two models (l >= 0).
        rise = {p: sh[(p, 2)] - sh[(p, 1)] - 4 * p / bw for p in models}
        a, b = models[0], models[-1]
        e, l2 = solve2((4 * a, 1, rise[a]), (4 * b, 1, rise[b]))
        if l2 < 0:
            e, l2 = sum(rise.values()) / sum(4 * p for p in models), 0.0
        k["e"], k["l"] = e, l2 / 2
    else:
        k["hs"] = {p: 0.0 for p in models}
        k["e"], k["l"] = max(k["d"].values()), 0.0
    return k


def per_param(k, table, p):
    """A per-model constant, for a model not measured: the biggest measured model's, scaled with P where it is."""
    return table[p] if p in table else table[k["models"][-1]]


def compute_ms(k, p, n, batch, cores):
    c = k["c"][p] if p in k["c"] else k["c"][k["models"][-1]] * p / k["models"][-1]
    return c * batch / min(n, cores)


def exchange_ms(k, exchange, p, n, bw, emulated):
    u = k["u"][p] if p in k["u"] else k["u"][k["models"][-1]] * p / k["models"][-1]
    d = per_param(k, k["d"], p)
    if exchange == "driver":
        return u + n * 8 * p * (1 / bw + d)
    s = max(1.0, n / CORES) if emulated else 1.0
    hs = per_param(k, k["hs"], p)
    return u + hs + 8 * p * (1 / bw + d) + 8 * p * (n - 1) / n * (1 / bw + k["e"] * s) + 2 * (n - 1) * k["l"]


def name(p):
    return f"{p / 1e6:.2f}M" if p >= 1e6 else f"{p / 1e3:.0f}k"


def measured(runs):
    print("\nMeasured (medians per step; bytes per step from the link counters, MB = 1e6 bytes):\n")
    print("| model | exchange | N | step ms | compute ms | exchange ms | driver in MB | driver out MB | driver in+out / 4P "
          "| max executor MB (in+out) | / 4P | other JVMs |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (exchange, p, n), r in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        print(f"| {name(p)} | {exchange} | {n} | {r['step']:.0f} | {r['compute']:.0f} | {r['exchange']:.0f} | "
              f"{r['driver_in'] / 1e6:.2f} | {r['driver_out'] / 1e6:.2f} | {(r['driver_in'] + r['driver_out']) / (4 * p):.2f} | "
              f"{r['max_executor_bytes'] / 1e6:.2f} | {r['max_executor_bytes'] / (4 * p):.2f} | {r['others']} |")
    for exchange in sorted({x for (x, _, _) in runs}):
        big = max(p for (_, p, _) in runs)
        if (exchange, big, 8) in runs and (exchange, big, 2) in runs:
            ratio = runs[(exchange, big, 8)]["exchange"] / runs[(exchange, big, 2)]["exchange"]
            print(f"\n{exchange} exchange, {name(big)} parameters: exchange time at N = 8 / at N = 2 = {ratio:.2f}")


def check(k, runs):
    print("\nPredicted vs measured on the emulated cluster (ms per step; error of the prediction):\n")
    print("| exchange | model | N | step: predicted | measured | error | exchange: predicted | measured | error |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    for (exchange, p, n), r in sorted(runs.items()):
        x = exchange_ms(k, exchange, p, n, r["bw"], emulated=True)
        t = compute_ms(k, p, n, r["batch"], CORES) + x
        fitted = n == 1 or (exchange == "sharded" and n == 2 and k["sharded_measured"])
        ex, et = x / r["exchange"] - 1, t / r["step"] - 1
        if not fitted and n in (2, 4, 8):
            worst = max(worst, abs(et), abs(ex))
        print(f"| {exchange} | {name(p)} | {n} | {t:.0f} | {r['step']:.0f} | {et:+.0%} | {x:.0f} | {r['exchange']:.0f} | "
              f"{ex:+.0%}{' (fitted)' if fitted else ''} |")
    print(f"\nWorst error of a prediction at N = 2, 4, 8: {worst:.0%} (target: within 25%).")


def real(k):
    for batch_of, title in ((lambda n: 1024, "fixed global batch 1024"), (lambda n: 128 * n, "128 rows per executor")):
        print(f"\nReal cluster, 1-core executors, {title} (ms per step; efficiency = speed-up / N):\n")
        print("| model | link | N | batch | compute | driver: step | efficiency | sharded: step | efficiency |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for p in k["models"]:
            for gbit in (10, 25):
                bw = gbit * 1e9 / 8 / 1000
                for n in (16, 64, 256):
                    b = batch_of(n)
                    c = compute_ms(k, p, n, b, n)
                    serial = compute_ms(k, p, 1, b, 1) + k["u"][p]
                    td = c + exchange_ms(k, "driver", p, n, bw, False)
                    ts = c + exchange_ms(k, "sharded", p, n, bw, False)
                    print(f"| {name(p)} | {gbit} Gbit/s | {n} | {b} | {c:.1f} | {td:.1f} | {serial / td / n:.0%} | "
                          f"{ts:.1f} | {serial / ts / n:.0%} |")


def breakeven(k):
    big = k["models"][-1]
    cp = k["c"][big] / big  # ms per example per parameter
    print("\nWhen adding executors pays (sharded exchange, 1-core executors): going from 1 to N executors shortens the")
    print("step when c P B (1 - 1/N) > 8P (N-1)/N (1/bw + e) + 2 (N-1) l, i.e. for a global batch")
    print("B > 8 (1/bw + e) / (c/P) + 2 N l / ((c/P) P): the first term does not depend on the model size, the second")
    print("shrinks as P grows. Half the ideal speed-up (efficiency 50%) needs about twice that batch.\n")
    print("| link | N | min batch, 235k params | 1.86M | 20M | 100M |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for gbit in (10, 25):
        bw = gbit * 1e9 / 8 / 1000
        for n in (16, 64, 256):
            row = [8 * (1 / bw + k["e"]) / cp + 2 * n * k["l"] / (cp * p) for p in (235146, 1863690, 20e6, 100e6)]
            print(f"| {gbit} Gbit/s | {n} | " + " | ".join(f"{b:,.0f}" for b in row) + " |")
    print("\nThe driver exchange, by contrast, pays only while c B (1 - 1/N) > (N-1) 8P (1/bw + d): a batch that")
    print("grows with N, B > N 8 (1/bw + d) / (c/P); at 10 Gbit/s and 1.86M parameters: " +
          ", ".join(f"N = {n}: {n * 8 * (8e-7 + k['d'][big]) / cp:,.0f}" for n in (16, 64, 256)) + ".")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = load(sys.argv[1:])
    k = fit(runs)
    print(f"Links {k['rate']} ({k['bw']:.0f} bytes/ms), round trip {k['rtt']} ms; {CORES} cores shared.")
    print("Constants: " + ", ".join(f"c({name(p)}) {k['c'][p]:.4f} ms/example" for p in k["models"]) +
          "; d " + ", ".join(f"{name(p)} {k['d'][p] * 1e6:.1f}" for p in k["models"]) +
          f" ns/byte (the wire: {1e6 / k['bw']:.1f} ns/byte); " +
          (f"sharded: h_s {', '.join(f'{v:.1f}' for v in k['hs'].values())} ms, e {k['e'] * 1e6:.2f} ns/byte, "
           f"l {k['l']:.2f} ms" if k["sharded_measured"] else "sharded: not measured, e = the largest d and l = 0 assumed"))
    measured(runs)
    check(k, runs)
    real(k)
    breakeven(k)


if __name__ == "__main__":
    main()
