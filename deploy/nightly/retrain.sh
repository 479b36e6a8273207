#!/usr/bin/env bash
# One nightly retraining: train a new run into the model registry, score it and the current model on the same
# held-out data, promote it or keep the current one, prune old runs. Settings: conf/nightly.conf, or the file
# named by LOCKSTEP_NIGHTLY_CONF. Relative paths in it are relative to the project directory.
#
# Exit codes, for cron, systemd or a monitor:
#   0   a new model was trained and promoted
#   3   a new model was trained, but it was not better enough: the current model stays (see its status.json)
#   1   the run failed (bad data, training error, cluster trouble): nothing was promoted, current is untouched
#   2   bad settings or command line
#   75  another retrain holds the lock (it waited LOCKSTEP_LOCK_WAIT seconds, 0 = not at all)
set -uo pipefail

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
conf=${LOCKSTEP_NIGHTLY_CONF:-$root/conf/nightly.conf}
if [[ ! -r $conf ]]; then
  echo "retrain: cannot read settings file $conf" >&2
  exit 2
fi
# shellcheck source=/dev/null
source "$conf"
for v in LOCKSTEP_DATA LOCKSTEP_REGISTRY LOCKSTEP_COMMAND LOCKSTEP_LOG_DIR LOCKSTEP_LOCK_FILE; do
  if [[ -z ${!v:-} ]]; then
    echo "retrain: $v is not set in $conf" >&2
    exit 2
  fi
done

wait_seconds=${LOCKSTEP_LOCK_WAIT:-0}
if [[ ! $wait_seconds =~ ^[0-9]+$ ]]; then
  echo "retrain: LOCKSTEP_LOCK_WAIT must be a whole number of seconds, got '$wait_seconds'" >&2
  exit 2
fi
if ! mkdir -p "$LOCKSTEP_LOG_DIR" "$(dirname "$LOCKSTEP_LOCK_FILE")"; then
  echo "retrain: cannot create $LOCKSTEP_LOG_DIR or the lock file's directory" >&2
  exit 2
fi
log="$LOCKSTEP_LOG_DIR/retrain-$(date -u +%Y%m%dT%H%M%SZ)-$$.log"
note() { printf '%s retrain: %s\n' "$(date -u +%FT%TZ)" "$*" | tee -a "$log" >&2; }

if ! exec 9>>"$LOCKSTEP_LOCK_FILE"; then
  note "cannot open the lock file $LOCKSTEP_LOCK_FILE (exit 2)"
  exit 2
fi
flock -w "$wait_seconds" 9
locked=$?
if (( locked == 1 )); then # flock's "timed out / would block"; anything else is a broken setup, not a busy lock
  note "another retrain holds $LOCKSTEP_LOCK_FILE; not starting (exit 75)"
  exit 75
elif (( locked != 0 )); then
  note "cannot lock $LOCKSTEP_LOCK_FILE: flock exit $locked (exit 2)"
  exit 2
fi
note "lock acquired; training from $LOCKSTEP_DATA into registry $LOCKSTEP_REGISTRY"

# shellcheck disable=SC2206
command=($LOCKSTEP_COMMAND train --registry "$LOCKSTEP_REGISTRY" --data "$LOCKSTEP_DATA"
         --tolerance "${LOCKSTEP_TOLERANCE:-0.002}" --keep "${LOCKSTEP_KEEP:-14}")
[[ -n ${LOCKSTEP_MASTER:-} ]] && command+=(--master "$LOCKSTEP_MASTER")
[[ -n ${LOCKSTEP_INIT_FROM:-} ]] && command+=(--init-from "$LOCKSTEP_INIT_FROM")
# shellcheck disable=SC2206
command+=(${LOCKSTEP_TRAIN_ARGS:-})

"${command[@]}" >>"$log" 2>&1
code=$?
case $code in
  0) note "promoted: the new model is now current (log: $log)" ;;
  3) note "kept current: the new model was not good enough (log: $log)" ;;
  2) note "bad settings (exit 2); see $log" ;;
  *) note "FAILED with exit $code; current model untouched; see $log"; code=1 ;;
esac
exit $code
