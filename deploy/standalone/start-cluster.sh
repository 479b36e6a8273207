#!/usr/bin/env bash
# Starts a Spark standalone master and N workers on this host, from the project's own Maven jars
# (spark-job/target/lib): no Spark download. Everything listens on 127.0.0.1 only, and everything the
# cluster writes (pid files, logs, work dirs, event logs, the shared secret) is under one run directory.
# Prints the master URL on stdout once every worker has registered.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [options]

Starts a Spark standalone master and N workers on 127.0.0.1 from the Maven jars in
spark-job/target/lib, waits until the master lists every worker as ALIVE, and prints the master URL
(spark://127.0.0.1:PORT) on stdout. Stop it with stop-cluster.sh; submit jobs with submit.sh.

Options:
  --workers N           number of workers, each its own JVM (default 2)
  --worker-cores C      cores each worker offers (default 1)
  --worker-memory M     memory each worker offers to executors, e.g. 1g, 1536m (default 1g)
  --master-port P       master RPC port (default 0: a free port chosen by the OS)
  --webui-port P        master web UI port (default 0: a free port chosen by the OS)
  --no-auth             do not turn on spark.authenticate and RPC encryption on the daemons
                        (jobs must then be submitted with --conf spark.authenticate=false)
  --timeout S           seconds to wait for the workers to register (default 90)
  -h, --help            this help

Environment:
  LOCKSTEP_CLUSTER_DIR    run directory (default: <project>/target/standalone)
  LOCKSTEP_DAEMON_MEMORY  heap of the master and worker JVMs (default 256m)
  JAVA_HOME               Java 17+ to run with (default: java on PATH)

Run directory layout: spark-home/jars -> the lib dir (SPARK_HOME for workers and executors),
conf/daemon.conf (0600: auth settings and secret), secret (0600), pids/*.pid, logs/*.log,
work/worker-I (executors' work dirs: their stdout/stderr), local/worker-I (scratch), events/ (Spark
event logs), master-url and webui-url.
USAGE
}

workers=2 worker_cores=1 worker_memory=1g master_port=0 webui_port=0 auth=1 timeout=90
while [[ $# -gt 0 ]]; do
  case $1 in
    --workers) workers=${2:?--workers needs a value}; shift 2 ;;
    --worker-cores) worker_cores=${2:?--worker-cores needs a value}; shift 2 ;;
    --worker-memory) worker_memory=${2:?--worker-memory needs a value}; shift 2 ;;
    --master-port) master_port=${2:?--master-port needs a value}; shift 2 ;;
    --webui-port) webui_port=${2:?--webui-port needs a value}; shift 2 ;;
    --no-auth) auth=0; shift ;;
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$(basename "$0"): error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $workers =~ ^[1-9][0-9]*$ ]] || { echo "$(basename "$0"): error: --workers must be a positive integer, got '$workers'" >&2; exit 2; }
[[ $worker_cores =~ ^[1-9][0-9]*$ ]] || { echo "$(basename "$0"): error: --worker-cores must be a positive integer, got '$worker_cores'" >&2; exit 2; }
[[ $worker_memory =~ ^[1-9][0-9]*[mMgG]$ ]] || { echo "$(basename "$0"): error: --worker-memory must look like 1g or 1536m, got '$worker_memory'" >&2; exit 2; }
[[ $master_port =~ ^[0-9]+$ && $webui_port =~ ^[0-9]+$ ]] || { echo "$(basename "$0"): error: ports must be numbers" >&2; exit 2; }
[[ $timeout =~ ^[1-9][0-9]*$ ]] || { echo "$(basename "$0"): error: --timeout must be a positive integer" >&2; exit 2; }

require_jars
run=$(abs_path "$ls_run")
mkdir -p "$run"
run=$(cd "$run" && pwd -P)

for f in "$run"/pids/*.pid; do
  [[ -f $f ]] || continue
  if pid_matches "$(cat "$f")" "$run"; then
    die "a cluster is already running in $run (pid $(cat "$f") from $(basename "$f")); run stop-cluster.sh first"
  fi
done

rm -rf "$run/pids" "$run/logs" "$run/work" "$run/local" "$run/conf" "$run/master-url" "$run/webui-url" "$run/secret"
mkdir -p "$run/pids" "$run/logs" "$run/work" "$run/local" "$run/conf" "$run/events" "$run/spark-home"
# Workers launch executors with SPARK_HOME/jars/* as their class path: a Spark home made of our Maven jars.
ln -sfn "$(cd "$ls_lib" && pwd -P)" "$run/spark-home/jars"

daemon_conf="$run/conf/daemon.conf"
(
  umask 077
  {
    echo "# Written by start-cluster.sh for this cluster's master and workers."
    if [[ $auth == 1 ]]; then
      head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$run/secret"
      echo "spark.authenticate                true"
      echo "spark.authenticate.secret         $(cat "$run/secret")"
      echo "spark.network.crypto.enabled      true"
      # Spark's default cipher (AES/CTR). spark.network.crypto.cipher must be the same on daemons and driver;
      # AES/GCM is broken in Spark 4.0.1 (SPARK-56227): see conf/spark-cluster.conf.
    else
      echo "spark.authenticate                false"
    fi
  } >"$daemon_conf"
)

java_opts=(-Xmx"${LOCKSTEP_DAEMON_MEMORY:-256m}" "${ls_opens[@]}")
export SPARK_HOME="$run/spark-home"
export SPARK_SCALA_VERSION=2.13 # without it executors fail with "Cannot find any build directories"
export SPARK_LOCAL_IP=127.0.0.1 # the web UIs bind to this, not 0.0.0.0
unset SPARK_CONF_DIR SPARK_MASTER_OPTS SPARK_WORKER_OPTS SPARK_DAEMON_JAVA_OPTS

# Starts a daemon in its own session (so that ^C on a terminal or the end of a test does not hit it).
start_daemon() {
  local name=$1; shift
  setsid "$ls_java" "${java_opts[@]}" -cp "$run/spark-home/jars/*" "$@" </dev/null >"$run/logs/$name.log" 2>&1 &
  echo $! >"$run/pids/$name.pid"
}

fail() {
  echo "$(basename "$0"): error: $*" >&2
  for log in "$run"/logs/*.log; do
    [[ -f $log ]] || continue
    echo "--- last lines of $log:" >&2
    tail -n 15 "$log" >&2
  done
  "$here/stop-cluster.sh" >/dev/null 2>&1 || true
  exit 1
}

alive() { pid_matches "$(cat "$run/pids/$1.pid")" "$run"; }

start_daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" \
  --webui-port "$webui_port" --properties-file "$daemon_conf"

deadline=$((SECONDS + timeout))
master_url='' webui=''
while [[ -z $master_url || -z $webui ]]; do
  alive master || fail "the master exited during start-up (log: $run/logs/master.log)"
  ((SECONDS < deadline)) || fail "the master did not start within $timeout s (log: $run/logs/master.log)"
  sleep 0.3
  master_url=$(grep -o 'Starting Spark master at spark://[^ ]*' "$run/logs/master.log" | head -n1 | sed 's/.* at //' || true)
  webui=$(grep -o 'MasterWebUI.*started at http://[^ ]*' "$run/logs/master.log" | head -n1 | sed 's/.* at //' || true)
done
echo "$master_url" >"$run/master-url"
echo "$webui" >"$run/webui-url"
echo "[cluster] master $master_url, web UI $webui, run dir $run" >&2

for ((i = 1; i <= workers; i++)); do
  mkdir -p "$run/work/worker-$i" "$run/local/worker-$i"
  SPARK_LOCAL_DIRS="$run/local/worker-$i" start_daemon "worker-$i" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --port 0 --webui-port 0 --cores "$worker_cores" --memory "$worker_memory" \
    --work-dir "$run/work/worker-$i" --properties-file "$daemon_conf" "$master_url"
done

registered=0
while ((registered < workers)); do
  for ((i = 1; i <= workers; i++)); do
    alive "worker-$i" || fail "worker $i exited during start-up (log: $run/logs/worker-$i.log)"
  done
  alive master || fail "the master exited (log: $run/logs/master.log)"
  ((SECONDS < deadline)) || fail "only $registered of $workers workers registered within $timeout s"
  sleep 0.5
  if command -v curl >/dev/null; then
    # The master's own view: workers it lists as ALIVE.
    json=$(curl -fsS --max-time 5 "$webui/json/" 2>/dev/null || true)
    registered=$(grep -o '"aliveworkers" *: *[0-9]*' <<<"$json" | grep -o '[0-9]*$' || true)
  else
    registered=$(grep -c 'Master: Registering worker' "$run/logs/master.log" || true)
  fi
  registered=${registered:-0}
done
echo "[cluster] $workers workers registered ($worker_cores cores, $worker_memory each)" >&2
echo "$master_url"
