#!/usr/bin/env bash
# Stops the master, the workers and the workers' executors that start-cluster.sh started in the run
# directory, using its pid files. Safe to run twice, or when nothing is running.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--timeout S]

Stops everything start-cluster.sh started in the run directory (\$LOCKSTEP_CLUSTER_DIR, default
<project>/target/standalone): workers' executors, workers, then the master. Each process gets SIGTERM,
then SIGKILL after S seconds (default 10). Only pids from the run directory's pid files (and their
child processes) whose command line names the run directory are signalled. Idempotent.
USAGE
}

timeout=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$(basename "$0"): error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $timeout =~ ^[0-9]+$ ]] || { echo "$(basename "$0"): error: --timeout must be a number of seconds" >&2; exit 2; }

run=$(abs_path "$ls_run")
if [[ ! -d $run/pids ]]; then
  echo "[cluster] nothing to stop in $run" >&2
  exit 0
fi
run=$(cd "$run" && pwd -P)

# Workers first (with the executors they launched), then the master.
pidfiles=()
for f in "$run"/pids/worker-*.pid; do [[ -f $f ]] && pidfiles+=("$f"); done
[[ -f $run/pids/master.pid ]] && pidfiles+=("$run/pids/master.pid")

targets=()
for f in "${pidfiles[@]}"; do
  pid=$(cat "$f")
  if [[ $pid =~ ^[0-9]+$ ]] && pid_matches "$pid" "$run"; then
    # Executors are children of their worker; take them before the worker goes.
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do
      pid_matches "$child" "$run" && targets+=("$child")
    done
    targets+=("$pid")
  fi
done

if [[ ${#targets[@]} -eq 0 ]]; then
  echo "[cluster] nothing running in $run" >&2
else
  kill -TERM "${targets[@]}" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while :; do
    left=()
    for pid in "${targets[@]}"; do pid_matches "$pid" "$run" && left+=("$pid"); done
    [[ ${#left[@]} -eq 0 ]] && break
    if ((SECONDS >= deadline)); then
      echo "[cluster] killing ${left[*]} (still running after $timeout s)" >&2
      kill -KILL "${left[@]}" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  echo "[cluster] stopped ${#targets[@]} processes in $run" >&2
fi
rm -f "$run"/pids/*.pid "$run/master-url" "$run/webui-url"
