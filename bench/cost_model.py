#!/usr/bin/env python3
"""The step time of synchronous data-parallel training with the driver exchange and the sharded one, fitted to the
emulated cluster (bench/emulated-cluster.sh) and carried over to real clusters.

    python3 bench/cost_model.py RESULT.json...        the JSON files of one run of bench/emulated-cluster.sh

It prints the measured matrix, the model against it, step time and efficiency at 16, 64 and 256 executors on 10 and
25 Gbit/s links, and the batch from which adding executors pays.

Notation: N executors of 1 core, P parameters (4P bytes as float32), global batch B, link bandwidth bw (bytes/ms, the
tc rate of every link), rtt the measured round trip; per step (medians): compute = the slowest task's compute,
exchange = step - compute, u = the driver's own work on the parameters (ship + combine + update).

    step(N)    = compute(N) + exchange(N),   compute(N) = c B / min(N, cores)
                 c: compute per example on one core, from the N = 1 run; on the emulated cluster the executors share
                 this machine's 2 cores; on a real cluster cores = N
    driver:    exchange(N) = u + 4P (1/bw + f) + N 4P (1/bw + g)
                 the driver sends 4P to each executor and takes 4P back from each through its own link; sends and
                 answers of different executors overlap in the link's two directions, so each executor adds about
                 one vector's time; the first adds its round trip
    sharded:   exchange(N) = u + 8P (1/bw + f) + (N-1)/N 8P (1/bw + g s(N)) + 2 (N-1) rtt
                 the driver takes in each slice's sum once and sends each slice of the parameters once (8P through
                 its link); each executor sends and receives (N-1)/N 4P in the reduce-scatter of gradient slices and
                 as much in the all-gather of parameter slices, all at once, each over its own link; a message to
                 each peer in each of the two phases
  f, g    what each byte costs beyond the wire (serialisation, AES, copies, waiting for a core), per model and
          exchange: least squares over every N measured (two constants per curve)
  s(N)    max(1, N / cores): on the emulated cluster the executors' work on their bytes shares this machine's 2 cores
          (all of them move bytes at once); 1 on a real cluster, one machine per executor
Real clusters: the link's bandwidth instead of the tc rate, the same f and g (measured on 2 cores shared by up to 10
JVMs of the cluster and others': far above what dedicated cores cost, so an upper bound), and, as the lower bound,
the sharded exchange with bytes at wire speed (f = g = 0). A model not measured takes the largest measured model's
constants, compute scaled with P; a negative fitted f counts as 0 there. Speed-up is against one core without Spark on the same batch (c B + u);
efficiency = speed-up / N.
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


def least_squares(xs, ys):
    """a, b minimising sum (a + b x - y)^2."""
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def shared(n, cores=CORES):
    """s(N): how many executors share a core, at least 1."""
    return max(1.0, n / cores)


def fit(runs):
    models = sorted({p for (_, p, _) in runs})
    big = models[-1]
    one = {p: runs[("driver", p, 1)] for p in models}
    bw, rtt = one[big]["bw"], one[big]["rtt"] or 0.0
    k = {"bw": bw, "rtt": rtt, "rate": one[big]["rate"], "models": models, "exchanges": {}}
    k["c"] = {p: one[p]["compute"] / one[p]["batch"] for p in models}  # ms per example, one core
    k["u"] = {p: one[p]["u"] for p in models}
    for exchange in sorted({x for (x, _, _) in runs}):
        for p in models:
            ns = sorted(n for (x, q, n) in runs if x == exchange and q == p)
            if len(ns) < 2:
                continue
            ys = [runs[(exchange, p, n)]["exchange"] - k["u"][p] for n in ns]
            if exchange == "driver":  # X - u = 4P (1/bw + f) + N 4P (1/bw + g)
                a, b = least_squares(ns, ys)
                k["exchanges"][(exchange, p)] = {"f": a / (4 * p) - 1 / bw, "g": b / (4 * p) - 1 / bw, "ns": ns}
            else:  # X - u - 2 (N-1) rtt - 8P/bw - (N-1)/N 8P/bw = 8P f + (N-1)/N s(N) 8P g
                xs = [(n - 1) / n * shared(n) for n in ns]
                rest = [y - 2 * (n - 1) * rtt - 8 * p / bw - (n - 1) / n * 8 * p / bw for y, n in zip(ys, ns)]
                a, b = least_squares(xs, rest)
                k["exchanges"][(exchange, p)] = {"f": a / (8 * p), "g": b / (8 * p), "ns": ns}
    return k


def constants_of(k, exchange, p):
    """A model's fitted per-byte costs; for a model not measured, the largest measured model's."""
    return k["exchanges"].get((exchange, p)) or k["exchanges"][(exchange, k["models"][-1])]


def compute_ms(k, p, n, batch, cores):
    c = k["c"][p] if p in k["c"] else k["c"][k["models"][-1]] * p / k["models"][-1]
    return c * batch / min(n, cores)


def exchange_ms(k, exchange, p, n, bw, wire_only=False, emulated=False):
    u = k["u"][p] if p in k["u"] else k["u"][k["models"][-1]] * p / k["models"][-1]
    f, g = (0.0, 0.0) if wire_only else (constants_of(k, exchange, p)["f"], constants_of(k, exchange, p)["g"])
    if not emulated:  # a negative f is the intercept absorbing noise, not a byte that costs less than the wire
        f = max(f, 0.0)
    if exchange == "driver":
        return u + 4 * p * (1 / bw + f) + n * 4 * p * (1 / bw + g)
    s = shared(n) if emulated else 1.0
    return u + 8 * p * (1 / bw + f) + (n - 1) / n * 8 * p * (1 / bw + g * s) + 2 * (n - 1) * k["rtt"]


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
    print("\nThe model against the measurements (ms per step; constants fitted over every N of each model and exchange,")
    print("two per curve, so the errors are the model's misfit):\n")
    print("| exchange | model | N | step: model | measured | error | exchange: model | measured | error |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    for (exchange, p, n), r in sorted(runs.items()):
        x = exchange_ms(k, exchange, p, n, r["bw"], emulated=True)
        t = compute_ms(k, p, n, r["batch"], CORES) + x
        ex, et = x / r["exchange"] - 1, t / r["step"] - 1
        if n in (2, 4, 8):
            worst = max(worst, abs(et), abs(ex))
        print(f"| {exchange} | {name(p)} | {n} | {t:.0f} | {r['step']:.0f} | {et:+.0%} | {x:.0f} | {r['exchange']:.0f} | "
              f"{ex:+.0%} |")
    print(f"\nLargest error at N = 2, 4, 8: {worst:.1%} (target: within 25%).")


def real(k):
    exchanges = sorted({x for (x, _) in k["exchanges"]})
    for batch_of, title in ((lambda n: 1024, "fixed global batch 1024"), (lambda n: 128 * n, "128 rows per executor")):
        print(f"\nReal cluster, 1-core executors, {title} (ms per step; efficiency = speed-up / N):\n")
        print("| model | link | N | batch | compute | " + " | ".join(f"{x}: step | efficiency" for x in exchanges) +
              " | sharded, bytes at wire speed: step | efficiency |")
        print("| --- | --- | ---: | ---: | ---: | " + " | ".join("---: | ---:" for _ in exchanges) + " | ---: | ---: |")
        for p in k["models"]:
            for gbit in (10, 25):
                bw = gbit * 1e9 / 8 / 1000
                for n in (16, 64, 256):
                    b = batch_of(n)
                    c = compute_ms(k, p, n, b, n)
                    serial = compute_ms(k, p, 1, b, 1) + k["u"][p]
                    cells = []
                    for x in exchanges:
                        t = c + exchange_ms(k, x, p, n, bw)
                        cells.append(f"{t:.1f} | {serial / t / n:.0%}")
                    t = c + exchange_ms(k, "sharded", p, n, bw, wire_only=True)
                    cells.append(f"{t:.1f} | {serial / t / n:.0%}")
                    print(f"| {name(p)} | {gbit} Gbit/s | {n} | {b} | {c:.1f} | " + " | ".join(cells) + " |")


def breakeven(k):
    if not any(x == "sharded" for (x, _) in k["exchanges"]):
        return
    big = k["models"][-1]
    cp = k["c"][big] / big  # ms per example per parameter, one core
    e = constants_of(k, "sharded", big)["g"]
    print("\nWhen adding executors pays (sharded exchange, 1-core executors). Going from 1 to N executors shortens the")
    print("step when c B (1 - 1/N) > 8P (N-1)/N (1/bw + g) + 2 (N-1) rtt, with c = (c/P) P the compute per example:")
    print("a global batch B > 8 (1/bw + g) / (c/P) + 2 N rtt / ((c/P) P). The first term does not depend on the")
    print(f"model's size (c/P = {cp * 1e6:.3f} ns per parameter and example, g = {e * 1e6:.1f} ns/byte); the second")
    print("shrinks as P grows. Minimum global batch, with g as measured here / with bytes at wire speed (g = 0):\n")
    sizes = (235146, 1863690, 20e6, 100e6)
    print("| link | N | " + " | ".join(name(int(p)) + " params" for p in sizes) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in sizes) + " |")
    for gbit in (10, 25):
        bw = gbit * 1e9 / 8 / 1000
        for n in (16, 64, 256):
            row = [[8 * (1 / bw + x) / cp + 2 * n * k["rtt"] / (cp * p) for x in (e, 0.0)] for p in sizes]
            print(f"| {gbit} Gbit/s | {n} | " + " | ".join(f"{m:,.0f} / {w:,.0f}" for m, w in row) + " |")
    g = constants_of(k, "driver", big)["g"]
    print("\nThe driver exchange pays only while c B (1 - 1/N) > (N-1) 4P (1/bw + g): a batch that grows with N,")
    print("B > N 4 (1/bw + g) / (c/P); at 10 Gbit/s: " +
          ", ".join(f"N = {n}: {n * 4 * (8e-7 + g) / cp:,.0f}" for n in (16, 64, 256)) + ".")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = load(sys.argv[1:])
    k = fit(runs)
    print(f"Links {k['rate']} ({k['bw']:.0f} bytes/ms, the wire {1e6 / k['bw']:.1f} ns/byte), round trip {k['rtt']} ms; "
          f"{CORES} cores shared.")
    print("Compute per example, one core: " + ", ".join(f"{name(p)} {k['c'][p]:.4f} ms" for p in k["models"]) + ".")
    for (x, p), v in sorted(k["exchanges"].items()):
        print(f"{x} exchange, {name(p)}: f {v['f'] * 1e6:.1f} ns/byte, g {v['g'] * 1e6:.1f} ns/byte (N = {v['ns']})")
    measured(runs)
    check(k, runs)
    real(k)
    breakeven(k)


if __name__ == "__main__":
    main()
