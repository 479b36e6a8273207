#!/usr/bin/env bash
# MLlib's MultilayerPerceptronClassifier and LockstepClassifier side by side on local[2], in one JVM and one run:
# Fashion-MNIST and a seeded tabular set, same layers (see BENCHMARKS.md, "Against Spark MLlib's MLP").
#   bench/versus-mllib.sh [--fashion DIR] [--out FILE] [--mllib-iterations N] [--epochs N] [--table-rows N]
# Run it on a quiet machine: any other JVM distorts the seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -o -Pbench -DskipTests package >&2
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx10g ${LOCKSTEP_JAVA_OPTS:-} \
  --add-modules=jdk.incubator.vector $(grep -o -- '--add-opens=[^ ]*' deploy/lockstep | sort -u | tr '\n' ' ') \
  -Djdk.reflect.useDirectMethodHandle=false -Dlog4j2.configurationFile=file:conf/log4j2.properties \
  -cp "bench/target/classes:spark-job/target/lockstep-job.jar:spark-job/target/lib/*" \
  dev.lockstep.versus.VersusMllib "$@"
