# Shared by start-cluster.sh, stop-cluster.sh and submit.sh; sourced, not run.
# shellcheck shell=bash

ls_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ls_lib=${LOCKSTEP_LIB_DIR:-$ls_root/spark-job/target/lib}
ls_jar=${LOCKSTEP_JOB_JAR:-$ls_root/spark-job/target/lockstep-job.jar}
ls_conf_dir=${LOCKSTEP_CONF_DIR:-$ls_root/conf}
ls_run=${LOCKSTEP_CLUSTER_DIR:-$ls_root/target/standalone}
ls_java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# The --add-opens flags Spark's own launcher adds on Java 17 (org.apache.spark.launcher.JavaModuleOptions),
# as in deploy/lockstep. Needed by every JVM that runs Spark: daemons, driver and executors.
ls_opens=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)

# The Vector API for Lockstep's dense-layer kernels; for the driver and the executors (not the daemons). An
# executor without it runs the scalar kernels: the same bits, slower.
ls_vector=(--add-modules=jdk.incubator.vector)

die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 1
}

# Absolute form of a path that may not exist yet.
abs_path() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
  esac
}

require_jars() {
  [[ -d "$ls_lib" ]] && compgen -G "$ls_lib/spark-core_*.jar" >/dev/null \
    || die "no Spark jars in $ls_lib; build them first: (cd $ls_root && mvn -DskipTests package)"
}

# True if pid $1 is alive and its command line contains $2 (guards against a recycled pid).
pid_matches() {
  local pid=$1 needle=$2 cmdline
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$needle"* ]]
}

# The value of a Spark setting for a submit script: the last "--conf KEY=VALUE" in the array confs, else the
# properties file $props (key value / key=value).
conf_get() {
  local key=$1 c value=''
  value=$(sed -nE "s/^[[:space:]]*${key//./\\.}[[:space:]]*[=:[:space:]][[:space:]]*(.*[^[:space:]])[[:space:]]*$/\1/p" "$props" | tail -n1)
  for c in "${confs[@]}"; do [[ ${c%%=*} == "$key" ]] && value=${c#*=}; done
  printf '%s' "$value"
}

# One properties file for spark-submit, in $merged: $props, then conf/lockstep.conf (spark.lockstep.*). It may
# come to hold the authentication secret, so it is private to this user and removed when the script exits.
# Called from the script itself (not in $(...)), so that the EXIT trap is the script's.
make_merged_conf() {
  tmp=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/lockstep-$1.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  merged="$tmp/spark.conf"
  {
    cat "$props"
    echo
    [[ -f $ls_conf_dir/lockstep.conf ]] && cat "$ls_conf_dir/lockstep.conf"
    echo
  } >"$merged"
}
