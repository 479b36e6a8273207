#!/usr/bin/env python3
"""GFLOP/s table (markdown) from a JMH JSON result of DenseKernelsBench: mean and best iteration per cell."""
import json, sys
rows = {}
for b in json.load(open(sys.argv[1])):
    op = b["benchmark"].rsplit(".", 1)[1]
    p = b["params"]
    g = b["secondaryMetrics"]["gflop"]
    it = [v for fork in g["rawData"] for v in fork]
    rows[(p["layer"], int(p["batch"]), op, p["kernels"])] = (g["score"], max(it))
layers = ["784x256", "256x128", "128x10"]
ops = ["forward", "weightGradient", "backpropagate"]
kinds = ["vector", "scalar", "baseline"]
print("| layer | batch | product | " + " | ".join(f"{k} mean (best)" for k in kinds) + " |")
print("| --- | ---: | --- | " + " | ".join("---:" for _ in kinds) + " |")
for l in layers:
    for n in (32, 128, 512):
        for op in ops:
            cells = []
            for k in kinds:
                v = rows.get((l, n, op, k))
                cells.append(f"{v[0]:.1f} ({v[1]:.1f})" if v else "-")
            print(f"| {l} | {n} | {op} | " + " | ".join(cells) + " |")
