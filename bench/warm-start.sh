#!/usr/bin/env bash
# What warm start (train --init-from) buys on Fashion-MNIST, in one JVM on local[2]: a previous model trained for
# --previous-epochs on the first --previous-rows training rows, then runs of --epochs on all the training rows from
# that model and from scratch, each scored on the full test set (see BENCHMARKS.md, "Warm start").
#   bench/warm-start.sh [--fashion DIR] [--out FILE] [--previous-rows 50000] [--previous-epochs 10] [--epochs 1,3]
#                       [--layers 784,256,128,10] [--partitions 2] [--seed 1] [--warm-lr RATE]
#                       [--train-rows N] [--test-rows N]   (a smoke run on fewer rows; default all)
# Results: --out, by default bench/results/<UTC date and time>-warm-start.json. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=("$@")
[[ " $* " == *" --out "* ]] || args+=(--out "bench/results/$(date -u +%Y-%m-%d-%H%M)-warm-start.json")
mvn -B -q -o -Pbench -DskipTests package >&2
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx6g ${LOCKSTEP_JAVA_OPTS:-} \
  --add-modules=jdk.incubator.vector $(grep -o -- '--add-opens=[^ ]*' deploy/lockstep | sort -u | tr '\n' ' ') \
  -Djdk.reflect.useDirectMethodHandle=false -Dlog4j2.configurationFile=file:conf/log4j2.properties \
  -cp "bench/target/classes:spark-job/target/lockstep-job.jar:spark-job/target/lib/*" \
  dev.lockstep.warm.WarmStartBench "${args[@]}"
