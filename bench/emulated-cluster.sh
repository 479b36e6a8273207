#!/usr/bin/env bash
# An emulated multi-host Spark standalone cluster on one machine, for measuring the training exchange where the
# network, not the CPU, sets the pace. Run as root. Driver, master and each worker get a Linux network namespace of
# their own, joined by veth pairs to a bridge that lives in a namespace of its own; every link is shaped with tc
# (tbf, on the egress of both ends, so both directions) to one bandwidth. Addresses are private (10.77.0.0/24) and
# exist only inside these namespaces: nothing touches the machine's own interfaces. Everything it creates
# (namespaces, links, processes, the run directory's secret) is removed when it exits, also on failure or ^C.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../deploy/standalone/common.sh
source "$root/deploy/standalone/common.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [options] bench            the matrix below, one JSON per configuration
       $(basename "$0") [options] train ARGS...    'lockstep train ARGS...' on the emulated cluster
       $(basename "$0") [options] shell            the cluster up, an interactive shell in the driver's namespace

bench: for each model of --models and each exchange of --exchanges, 'lockstep bench --steps-only' with
--partitions N (one per executor), --batch, --seed fixed; around its measured steps the byte counters of every
link are read in the bridge's namespace (/proc/net/dev, every 100 ms) and turned into bytes per step. Written to
--results as <stamp>-emulated-n<N>-<hidden sizes>-<exchange>.json: the bench's JSON under "bench", the links under
"emulated" and the bytes per step under "bytes_per_step".

Options:
  --workers N          workers (1 core each, one executor each), 1-8 (default 2)
  --rate R             bandwidth of every link, each direction, as tc writes it (default 300mbit)
  --data DIR           training data (default: <project>/../shared/data/fashion-mnist, else /work/shared/...)
  --models L;L         layer lists (default '784,256,128,10;784,1024,1024,10')
  --steps S,S          measured steps per model (default 200,20), after --warmup-steps (default 10,5)
  --warmup-steps S,S
  --exchanges E,E      exchanges to run (default: driver, and sharded where the bench has --exchange)
  --batch B            global batch (default 1024)
  --seed S             (default 1)
  --executor-memory M  (default 768m)
  --results DIR        where the JSON goes (default <project>/bench/results)
  --stamp S            file name prefix (default: the UTC time, YYYY-MM-DD-HHMM)
  -h, --help

Environment: JAVA_HOME, LOCKSTEP_DAEMON_MEMORY (master and worker heaps, default 256m),
LOCKSTEP_DRIVER_MEMORY (default 2g). Needs ip, tc, ping (optional: the RTT is then not measured), python3.
USAGE
}

workers=2 rate=300mbit data='' models='784,256,128,10;784,1024,1024,10' steps_list=200,20 warmup_list=10,5
exchanges='' batch=1024 seed=1 executor_memory=768m results="$root/bench/results" stamp=''
while [[ $# -gt 0 ]]; do
  case $1 in
    --workers) workers=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    --data) data=${2:?}; shift 2 ;;
    --models) models=${2:?}; shift 2 ;;
    --steps) steps_list=${2:?}; shift 2 ;;
    --warmup-steps) warmup_list=${2:?}; shift 2 ;;
    --exchanges) exchanges=${2:?}; shift 2 ;;
    --batch) batch=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --executor-memory) executor_memory=${2:?}; shift 2 ;;
    --results) results=${2:?}; shift 2 ;;
    --stamp) stamp=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    bench|train|shell) break ;;
    *) echo "$(basename "$0"): error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mode=${1:-}
[[ $mode == bench || $mode == train || $mode == shell ]] || { echo "$(basename "$0"): error: give bench, train ARGS... or shell (see --help)" >&2; exit 2; }
shift
[[ $workers =~ ^[1-8]$ ]] || die "--workers must be 1 to 8, got '$workers'"
[[ $rate =~ ^[0-9]+(kbit|mbit|gbit)$ ]] || die "--rate must look like 300mbit or 1gbit, got '$rate'"
((EUID == 0)) || die "run as root (network namespaces and tc)"
for tool in ip tc python3; do command -v $tool >/dev/null || die "needs $tool"; done
require_jars
[[ -f $ls_jar ]] || die "no job jar $ls_jar; build it first: (cd $root && mvn -DskipTests package)"
if [[ -z $data ]]; then
  for d in "$root/../shared/data/fashion-mnist" /work/shared/data/fashion-mnist; do [[ -d $d ]] && { data=$d; break; }; done
fi
[[ $mode != bench || -d $data ]] || die "no data directory (give --data DIR)"
data=${data:+$(cd "$data" && pwd -P)}
stamp=${stamp:-$(date -u +%Y-%m-%d-%H%M)}

# --- Names and addresses: everything this script creates starts with lsb- --------------------------------
net=10.77.0
bridge_ns=lsb-br
driver_ns=lsb-drv driver_ip=$net.10
master_ns=lsb-mst master_ip=$net.11
worker_ns() { echo "lsb-w$1"; }
worker_ip() { echo "$net.$((20 + $1))"; }
master_port=7077
if ip netns list | grep -q '^lsb-'; then
  die "namespaces named lsb-* exist already (another run of this script?): $(ip netns list | awk '/^lsb-/{printf "%s ", $1}')"
fi
run=$(umask 077 && mktemp -d /tmp/lsb-run.XXXXXX)
sampler_pid=''
created=() # the namespaces this run made: the only ones its exit removes

cleanup() {
  local code=$? ns pids
  trap - EXIT INT TERM
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
  # Every process in our namespaces is one this script started (daemons, executors, the driver): TERM, then KILL.
  for ns in "${created[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n $pids ]] && kill $pids 2>/dev/null || true
  done
  for _ in $(seq 50); do
    pids=''
    for ns in "${created[@]}"; do pids+=$(ip netns pids "$ns" 2>/dev/null || true); done
    [[ -z $pids ]] && break
    sleep 0.2
  done
  for ns in "${created[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n $pids ]] && kill -9 $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true # the veth pairs and the bridge go with their namespaces
  done
  rm -rf "$run"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The network ---------------------------------------------------------------------------------------------
# tbf: rate, a burst of about 1 ms of the rate (at least 64 KB, so that full-size GSO packets pass) and a queue of
# at most 20 ms: the shape of a link, no added delay (this kernel has no netem; the round trip is measured instead).
rate_bits=$(python3 -c "import re,sys; n,u=re.fullmatch(r'(\d+)(kbit|mbit|gbit)',sys.argv[1]).groups(); print(int(n)*{'kbit':10**3,'mbit':10**6,'gbit':10**9}[u])" "$rate")
burst=$((rate_bits / 8 / 1000)); ((burst < 65536)) && burst=65536
shape() { # namespace, interface
  ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$rate" burst "$burst" latency 20ms
}
ip netns add $bridge_ns
created+=($bridge_ns)
ip -n $bridge_ns link set lo up
ip -n $bridge_ns link add br0 type bridge
ip -n $bridge_ns link set br0 up
attach() { # namespace, address, bridge-side name
  local ns=$1 addr=$2 port=$3
  ip netns add "$ns"
  created+=("$ns")
  ip -n "$ns" link set lo up
  ip link add "$port" netns $bridge_ns type veth peer name eth0 netns "$ns"
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n $bridge_ns link set "$port" master br0 up
  shape "$ns" eth0
  shape $bridge_ns "$port"
}
attach $driver_ns $driver_ip v-drv
attach $master_ns $master_ip v-mst
for ((i = 1; i <= workers; i++)); do attach "$(worker_ns $i)" "$(worker_ip $i)" "v-w$i"; done

rtt_ms=null
if command -v ping >/dev/null; then
  ip netns exec $driver_ns ping -c 3 -i 0.2 -W 2 "$(worker_ip 1)" >/dev/null || die "the driver's namespace cannot reach worker 1"
  # Round trip of a small packet through two shaped links and the bridge, both ways (no load).
  rtt_ms=$(ip netns exec $driver_ns ping -c 20 -i 0.05 -q "$(worker_ip 1)" | sed -nE 's#.*= [0-9.]+/([0-9.]+)/.*#\1#p')
fi
echo "[emulated] $workers workers, every link $rate each way (tbf, burst $burst B), round trip ${rtt_ms} ms (driver to worker 1, ping)" >&2

# --- The cluster -----------------------------------------------------------------------------------------------
mkdir -p "$run/conf" "$run/logs" "$run/work" "$run/local" "$run/events" "$run/spark-home"
ln -sfn "$(cd "$ls_lib" && pwd -P)" "$run/spark-home/jars"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$run/secret"
{ # As start-cluster.sh: authentication and encryption of RPC and block transfers on.
  echo "spark.authenticate                true"
  echo "spark.authenticate.secret         $(cat "$run/secret")"
  echo "spark.network.crypto.enabled      true"
} >"$run/conf/daemon.conf"
chmod 600 "$run/conf/daemon.conf" "$run/secret"

daemon() { # namespace, address, log name, class and arguments
  local ns=$1 addr=$2 name=$3; shift 3
  ip netns exec "$ns" env SPARK_HOME="$run/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP="$addr" \
    SPARK_LOCAL_DIRS="$run/local/$name" setsid "$ls_java" -Xmx"${LOCKSTEP_DAEMON_MEMORY:-256m}" "${ls_opens[@]}" \
    -cp "$run/spark-home/jars/*" "$@" --properties-file "$run/conf/daemon.conf" </dev/null >"$run/logs/$name.log" 2>&1 &
}
daemon $master_ns $master_ip master org.apache.spark.deploy.master.Master --host $master_ip --port $master_port --webui-port 8080
for ((i = 1; i <= workers; i++)); do
  mkdir -p "$run/work/worker-$i" "$run/local/worker-$i"
  daemon "$(worker_ns $i)" "$(worker_ip $i)" "worker-$i" org.apache.spark.deploy.worker.Worker --host "$(worker_ip $i)" \
    --port 0 --webui-port 0 --cores 1 --memory 2g --work-dir "$run/work/worker-$i" "spark://$master_ip:$master_port"
done
deadline=$((SECONDS + 120)) alive=0
while ((alive < workers)); do
  if ((SECONDS > deadline)); then
    tail -n 20 "$run"/logs/*.log >&2
    die "only $alive of $workers workers registered within 120 s"
  fi
  sleep 0.5
  alive=$(ip netns exec $master_ns curl -fsS --max-time 5 "http://$master_ip:8080/json/" 2>/dev/null \
    | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || true)
  alive=${alive:-0}
done
echo "[emulated] master spark://$master_ip:$master_port, $workers workers alive" >&2

# Runs lockstep (train or bench) as the driver, in its namespace, through deploy/standalone/submit.sh.
driver() {
  local region=$1; shift
  ip netns exec $driver_ns env SPARK_LOCAL_IP=$driver_ip LOCKSTEP_CLUSTER_DIR="$run" "$root/deploy/standalone/submit.sh" \
    --master "spark://$master_ip:$master_port" --secret-file "$run/secret" \
    --conf spark.driver.host=$driver_ip --conf spark.driver.bindAddress=$driver_ip \
    --conf spark.eventLog.enabled=false --conf spark.executor.memory="$executor_memory" \
    --conf spark.scheduler.minRegisteredResourcesRatio=1.0 --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s \
    --conf "spark.executor.extraJavaOptions=-XX:G1HeapRegionSize=$region" \
    --conf "spark.driver.extraJavaOptions=-XX:G1HeapRegionSize=$region" "$@"
}

if [[ $mode == shell ]]; then
  echo "[emulated] a shell in $driver_ns; the master is spark://$master_ip:$master_port, the secret $run/secret" >&2
  ip netns exec $driver_ns env SPARK_LOCAL_IP=$driver_ip LOCKSTEP_MASTER="spark://$master_ip:$master_port" \
    LOCKSTEP_AUTH_SECRET_FILE="$run/secret" bash -i || true
  exit 0
fi
if [[ $mode == train ]]; then
  driver 4m train "$@"
  exit $?
fi

# --- bench: the matrix ---------------------------------------------------------------------------------------------
has_exchange=0
"$ls_java" -cp "$ls_jar:$ls_lib/*" dev.lockstep.cli.Main bench --help 2>/dev/null | grep -q -- '--exchange' && has_exchange=1
if [[ -z $exchanges ]]; then
  exchanges=driver; ((has_exchange)) && exchanges=driver,sharded
fi
if ((!has_exchange)) && [[ $exchanges != driver ]]; then die "this build's bench has no --exchange: only 'driver' (today's exchange) can run"; fi
mkdir -p "$results"
IFS=';' read -ra model_list <<<"$models"
IFS=',' read -ra steps_of <<<"$steps_list"
IFS=',' read -ra warmup_of <<<"$warmup_list"
IFS=',' read -ra exchange_list <<<"$exchanges"
links="v-drv v-mst$(for ((i = 1; i <= workers; i++)); do printf ' v-w%d' $i; done)"

# Every 100 ms: the wall-clock time (ms) and, for each of our bridge ports, bytes received from its namespace and
# bytes sent to it (/proc/net/dev in the bridge's namespace: every link's counters in one place).
sample_links() {
  ip netns exec $bridge_ns python3 -u -c '
import sys, time
names = set(sys.argv[1].split())
while True:
    now = int(time.time() * 1000)
    with open("/proc/net/dev") as f:
        for line in f.readlines()[2:]:
            name, data = line.split(":", 1)
            if name.strip() in names:
                v = data.split()
                print(now, name.strip(), v[0], v[8])
    sys.stdout.flush()
    time.sleep(0.1)
' "$links" >"$1" &
  sampler_pid=$!
}

# JVMs on this machine outside our namespaces (other work sharing the 2 cores), for the record.
other_jvms() {
  local pid n=0
  for pid in $(ps -eo pid=,comm= | awk '$2 == "java" {print $1}'); do
    [[ $(ip netns identify "$pid" 2>/dev/null) == lsb-* ]] || n=$((n + 1))
  done
  echo $n
}

for m in "${!model_list[@]}"; do
  layers=${model_list[$m]}
  hidden=$(cut -d, -f2- <<<"$layers" | rev | cut -d, -f2- | rev | tr , x)
  params=$(python3 -c "import sys; s=[int(x) for x in sys.argv[1].split(',')]; print(sum(a*b+b for a,b in zip(s,s[1:])))" "$layers")
  region=4m; ((params * 4 * 2 > 4 * 1048576)) && region=16m # more than twice a parameter vector (conf/spark-cluster.conf)
  for exchange in "${exchange_list[@]}"; do
    name="$stamp-emulated-n$workers-$hidden-$exchange"
    args=(bench --data "$data" --out "$run/$name.bench.json" --layers "$layers" --batch "$batch" --partitions "$workers"
      --steps-only --steps "${steps_of[$m]:-${steps_of[0]}}" --warmup-steps "${warmup_of[$m]:-${warmup_of[0]}}")
    ((has_exchange)) && args+=(--exchange "$exchange")
    echo "[emulated] $name: ${args[*]}" >&2
    others=$(other_jvms)
    sample_links "$run/$name.links"
    driver "$region" "${args[@]}" 2> >(grep -v '^WARNING: Using incubator' >&2) || die "the bench failed ($name)"
    kill "$sampler_pid"; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=''
    python3 "$here/emulated_bytes.py" "$run/$name.bench.json" "$run/$name.links" --workers "$workers" --rate "$rate" \
      --rtt-ms "$rtt_ms" --exchange "$exchange" --others "$others" >"$results/$name.json"
    python3 "$here/emulated_bytes.py" --summary "$results/$name.json" >&2
  done
done
