#!/usr/bin/env bash
# Runs `lockstep train` on YARN: spark-submit --master yarn of the thin job jar, cluster deploy mode by default (the
# driver runs in the application master's container) or client (the driver runs here). See README, "YARN".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Paths, the Java 17 flags and helpers, shared with the standalone scripts.
# shellcheck source=../standalone/common.sh
source "$here/../standalone/common.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [submit options] [--] TRAIN_ARGS...

Runs 'lockstep train TRAIN_ARGS...' on YARN with spark-submit of spark-job/target/lockstep-job.jar. The options
below are taken wherever they appear before a '--'; every other argument goes to 'lockstep train' (see
deploy/lockstep train --help). Data, --out and --registry must be on a file system the cluster reads (hdfs://...).

Submit options:
  --deploy-mode M       cluster (default: the driver runs in YARN) or client (the driver runs here)
  --master yarn         accepted for deploy/nightly/retrain.sh's LOCKSTEP_MASTER; anything else is refused
  --properties-file F   Spark settings (default: conf/spark-yarn.conf); conf/lockstep.conf is appended to it
  --conf KEY=VALUE      a Spark setting, wins over the files (repeatable)
  --files F[,F...]      more files for the containers' working directories (repeatable)
  --queue Q, --num-executors N, --executor-cores N, --executor-memory M, --name NAME
                        shorthands for spark.yarn.queue, spark.executor.instances, .cores, .memory, spark.app.name
  --driver-memory M     driver heap (default: \$LOCKSTEP_DRIVER_MEMORY, else spark.driver.memory of the settings)
  --spark-submit PATH   a spark-submit to use (default: \$SPARK_SUBMIT, else \$SPARK_HOME/bin/spark-submit)
  --dry-run             print the spark-submit command instead of running it
  -h, --help            this help

HADOOP_CONF_DIR (or YARN_CONF_DIR) must name the cluster's client configuration (core-site.xml, yarn-site.xml):
it says where the ResourceManager and HDFS are, and spark-submit ships it to the containers.

Without a Spark installation, spark-submit runs from the Maven jars in spark-job/target/lib, built with
'mvn -DskipTests -Pspark-3.5 package' (the profile that has Spark's YARN client), and those jars are uploaded with
each application unless spark.yarn.jars or spark.yarn.archive says where the cluster keeps them.

Exit code: in client mode the driver's (0 done, 1 failed, 2 bad settings, 3 trained but not promoted); in cluster
mode spark-submit's: 0 when the application SUCCEEDED (a registry run that was not promoted included; its
status.json says so), else 1. The driver's output is then in the application's logs: yarn logs -applicationId ID.

Environment: HADOOP_CONF_DIR, YARN_CONF_DIR, LOCKSTEP_CONF_DIR (default conf/), LOCKSTEP_DRIVER_MEMORY,
LOCKSTEP_LIB_DIR, LOCKSTEP_JOB_JAR, SPARK_SUBMIT, SPARK_HOME, JAVA_HOME.
USAGE
}

deploy_mode=cluster
props="$ls_conf_dir/spark-yarn.conf"
driver_memory=${LOCKSTEP_DRIVER_MEMORY:-}
spark_submit=${SPARK_SUBMIT:-}
dry_run=0
confs=()
files=()
train=()
shorthand() { confs+=("$1=${2:?$3 needs a value}"); }
while [[ $# -gt 0 ]]; do
  case $1 in
    --deploy-mode) deploy_mode=${2:?--deploy-mode needs a value}; shift 2 ;;
    --master) [[ ${2:-} == yarn ]] || die "this script submits to YARN; --master must be yarn, got '${2:-}'"; shift 2 ;;
    --properties-file) props=${2:?--properties-file needs a value}; shift 2 ;;
    --conf) [[ ${2:-} == *=* ]] || die "--conf needs KEY=VALUE, got '${2:-}'"; confs+=("$2"); shift 2 ;;
    --files) files+=("${2:?--files needs a value}"); shift 2 ;;
    --queue) shorthand spark.yarn.queue "${2:-}" "$1"; shift 2 ;;
    --num-executors) shorthand spark.executor.instances "${2:-}" "$1"; shift 2 ;;
    --executor-cores) shorthand spark.executor.cores "${2:-}" "$1"; shift 2 ;;
    --executor-memory) shorthand spark.executor.memory "${2:-}" "$1"; shift 2 ;;
    --name) shorthand spark.app.name "${2:-}" "$1"; shift 2 ;;
    --driver-memory) driver_memory=${2:?--driver-memory needs a value}; shift 2 ;;
    --spark-submit) spark_submit=${2:?--spark-submit needs a value}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; train+=("$@"); break ;;
    *) train+=("$1"); shift ;;
  esac
done

[[ $deploy_mode == cluster || $deploy_mode == client ]] || die "--deploy-mode must be cluster or client, got '$deploy_mode'"
hadoop_conf=${HADOOP_CONF_DIR:-${YARN_CONF_DIR:-}}
[[ -n $hadoop_conf ]] || die "set HADOOP_CONF_DIR to the directory with the cluster's core-site.xml and yarn-site.xml"
[[ -d $hadoop_conf ]] || die "HADOOP_CONF_DIR=$hadoop_conf is not a directory"
[[ -f $props ]] || die "no properties file $props"
[[ -f $ls_jar ]] || die "no job jar $ls_jar; build it first: (cd $ls_root && mvn -DskipTests -Pspark-3.5 package)"

# The YARN settings, then Lockstep's (spark.lockstep.*). In cluster mode Spark ships its conf with the application,
# so the driver gets these without reading anything on this host.
make_merged_conf yarn

# log4j2.properties goes to every container's working directory; containers name it relatively. A client-mode driver
# is this host's JVM and reads it where it is.
container_log=()
driver_log=()
if [[ -f $ls_conf_dir/log4j2.properties ]]; then
  files+=("$ls_conf_dir/log4j2.properties")
  container_log=(-Dlog4j2.configurationFile=log4j2.properties)
  driver_log=(-Dlog4j2.configurationFile="file:$ls_conf_dir/log4j2.properties")
fi
# The Vector API module for the kernels, and the Java 17 flags (Spark 3.3+ adds those to containers itself; a
# repeat is harmless), in front of whatever the settings give.
executor_opts="${ls_vector[*]} ${ls_opens[*]} ${container_log[*]} $(conf_get spark.executor.extraJavaOptions)"
if [[ $deploy_mode == cluster ]]; then
  driver_opts=("${ls_vector[@]}" "${ls_opens[@]}" "${container_log[@]}")
else
  driver_opts=("${ls_vector[@]}" "${ls_opens[@]}" "${driver_log[@]}")
fi
settings_driver_opts=$(conf_get spark.driver.extraJavaOptions) # before the line below puts ours in front of it
driver_extra="${driver_opts[*]} $settings_driver_opts"
confs+=("spark.executor.extraJavaOptions=${executor_opts% }" "spark.driver.extraJavaOptions=${driver_extra% }")

if [[ -z $spark_submit && -n ${SPARK_HOME:-} ]]; then
  [[ -x $SPARK_HOME/bin/spark-submit ]] || die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit"
  spark_submit=$SPARK_HOME/bin/spark-submit
fi
if [[ -z $spark_submit && -z $(conf_get spark.yarn.jars) && -z $(conf_get spark.yarn.archive) ]]; then
  # No installation to take Spark's jars from: the Maven ones, uploaded with the application.
  require_jars
  compgen -G "$ls_lib/spark-yarn_*.jar" >/dev/null \
    || die "no spark-yarn jar in $ls_lib; build with the Spark 3.5 profile: (cd $ls_root && mvn -DskipTests -Pspark-3.5 package)"
  confs+=("spark.yarn.jars=file:$ls_lib/*.jar")
fi

args=(--master yarn --deploy-mode "$deploy_mode" --properties-file "$merged")
for c in "${confs[@]}"; do args+=(--conf "$c"); done
if [[ ${#files[@]} -gt 0 ]]; then args+=(--files "$(IFS=,; echo "${files[*]}")"); fi
# Callers that name the command themselves (retrain.sh runs "$LOCKSTEP_COMMAND train ...") must not get it twice.
[[ ${train[0]:-} == train ]] && train=("${train[@]:1}")
args+=(--class dev.lockstep.cli.Main "$ls_jar" train "${train[@]}")

if [[ -n $spark_submit ]]; then
  [[ -x $spark_submit ]] || command -v "$spark_submit" >/dev/null || die "cannot run spark-submit '$spark_submit'"
  cmd=("$spark_submit" ${driver_memory:+--driver-memory "$driver_memory"} "${args[@]}")
else
  require_jars
  # No launcher here: this JVM is the client, and in client mode the driver, so its options are on its command line.
  if [[ $deploy_mode == client ]]; then
    read -ra driver_conf_opts <<<"$settings_driver_opts" # split on whitespace, as the launcher does without quotes
    jvm=(-Xmx"${driver_memory:-2g}" "${driver_opts[@]}" "${driver_conf_opts[@]}")
  else
    jvm=(-Xmx512m "${ls_opens[@]}" "${driver_log[@]}")
    [[ -n $driver_memory ]] && args=(--driver-memory "$driver_memory" "${args[@]}")
  fi
  # HADOOP_CONF_DIR on the class path, as Spark's own launcher puts it: that is how the client finds the cluster.
  cmd=("$ls_java" "${jvm[@]}" -cp "$hadoop_conf:$ls_lib/*" org.apache.spark.deploy.SparkSubmit "${args[@]}")
fi

if [[ $dry_run == 1 ]]; then
  printf '%q ' "${cmd[@]}"
  echo
  exit 0
fi
echo "[submit] yarn ($deploy_mode mode): lockstep train ${train[*]}" >&2
"${cmd[@]}"
