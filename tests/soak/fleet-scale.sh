#!/usr/bin/env bash
# Scale run (not in the default suite): DEVICES lightweight virtual devices (`edgemicro stats simulate`, one MQTT
# connection each) spread over PROCS processes publish REPORTS statistics reports each to a real mosquitto; PULLERS
# `edgemicro stats pull` processes share them through one MQTT 5 shared subscription ($share/scale/edgemicro/+/...)
# into one real PostgreSQL (initdb into a temp directory, durable defaults: fsync on). Mid-run one puller is killed
# with SIGKILL and started again under the same client id (as a supervisor would). Prints reports/s per puller and in
# total, then checks the store: every window once (0 lost, 0 duplicated) and the aggregated windows exact.
#   tests/soak/fleet-scale.sh [DEVICES=10000] [REPORTS=6] [PULLERS=3] [PROCS=4] [SHAPE=digits|small]
# digits: 10 classes x 64 features x 32 samples (18.2 KB reports); small: 4 classes x 8 features x 4 samples.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICES=${1:-10000}
REPORTS=${2:-6}
PULLERS=${3:-3}
PROCS=${4:-4}
SHAPE=${5:-digits}
case "$SHAPE" in
  digits) SHAPE_ARGS=(--classes 10 --features 64 --samples 32) ;;
  small) SHAPE_ARGS=(--classes 4 --features 8 --samples 4) ;;
  *) echo "error: SHAPE must be digits or small" >&2; exit 2 ;;
esac
WORK=$(mktemp -d -t edgemicro-scale-XXXX)   # under $TMPDIR
chmod 755 "$WORK"
MQTT_PORT=$(( 20000 + RANDOM % 20000 ))
PG_PORT=$(( MQTT_PORT + 1 ))
export PATH="$PATH:/usr/sbin"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "error: PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 3; }
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(setpriv --reuid=postgres --regid=postgres --clear-groups --); fi

dotnet build host-tools/EdgeMicro.Cli -c Release -v q --nologo >/dev/null
CLI="dotnet host-tools/EdgeMicro.Cli/bin/Release/net10.0/edgemicro.dll"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${PG:-}" ] && kill -INT "$PG" 2>/dev/null && wait "$PG" 2>/dev/null || true
  # The work directory holds the run's database (GBs): removed unless KEEP=1.
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# PostgreSQL: durable defaults, loopback only, socket in the work directory.
mkdir -p "$WORK/pg"
[ ${#AS[@]} -gt 0 ] && chown postgres:postgres "$WORK/pg"
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U edgemicro -A trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1
"${AS[@]}" "$PGBIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -k "$WORK/pg" -c listen_addresses=127.0.0.1 \
  -c max_connections=100 -c shared_buffers=512MB -c max_wal_size=4GB >"$WORK/postgres.log" 2>&1 &
PG=$!
until "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do sleep 0.2; done
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U edgemicro -d postgres -c "CREATE DATABASE fleet"
STORE="postgres://edgemicro@127.0.0.1:$PG_PORT/fleet"
SQL() { "$PGBIN/psql" -At -h 127.0.0.1 -p "$PG_PORT" -U edgemicro -d fleet -c "$1"; }

cat > "$WORK/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 10000000
max_inflight_messages 1000
user $(id -un)
CONF
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
PIDS+=($!)
sleep 1

# Each puller runs under a supervisor loop, as in a deployment (systemd Restart=on-failure): a puller that exits with
# an error (or is killed) is started again 3 s later under the same client id, so its session's messages are pulled.
# It ends when a run ends idle (exit 0). Each run writes its own account (pull-I-RUN.json).
declare -A PULLER
pull() { # $1 = puller index
  (
    run=1
    until $CLI stats pull --mqtt 127.0.0.1:$MQTT_PORT --all --store "$STORE" --share-group scale --client-id "scale-puller-$1" \
        --idle 20 --json >"$WORK/pull-$1-$run.json" 2>"$WORK/pull-$1-$run.err"; do
      echo "puller $1 run $run exited with $?; restarting in 3 s" >>"$WORK/restarts.log"
      run=$(( run + 1 ))
      sleep 3
    done
  ) &
  PULLER[$1]=$!
  PIDS+=($!)
}
pid_of_puller() { pgrep -f -- "--client-id scale-puller-$1 " | head -1; }

# Sessions first (one short pull each), so the broker queues the group's share for every puller from the start.
for i in $(seq 1 "$PULLERS"); do
  $CLI stats pull --mqtt 127.0.0.1:$MQTT_PORT --all --store "$STORE" --share-group scale --client-id "scale-puller-$i" --idle 0.5 >/dev/null 2>&1
done
for i in $(seq 1 "$PULLERS"); do pull "$i" 1; done
sleep 3

START=$(date +%s.%N)
PER=$(( DEVICES / PROCS ))
SIMS=()
for p in $(seq 0 $(( PROCS - 1 ))); do
  n=$PER; [ "$p" -eq $(( PROCS - 1 )) ] && n=$(( DEVICES - PER * (PROCS - 1) ))
  $CLI stats simulate --mqtt 127.0.0.1:$MQTT_PORT --devices "$n" --first-device $(( p * PER )) --reports "$REPORTS" "${SHAPE_ARGS[@]}" \
    >"$WORK/sim-$p.out" 2>"$WORK/sim-$p.err" &
  SIMS+=($!); PIDS+=($!)
done

# Kill puller 2 (or 1) with SIGKILL once a quarter of the windows are stored; its supervisor starts it again 3 s later.
VICTIM=$(( PULLERS >= 2 ? 2 : 1 ))
TOTAL=$(( DEVICES * REPORTS ))
until [ "$(SQL 'SELECT COUNT(*) FROM reports')" -ge $(( TOTAL / 4 )) ]; do sleep 0.5; done
kill -9 "$(pid_of_puller "$VICTIM")"
KILLED_AT=$(SQL 'SELECT COUNT(*) FROM reports')
echo "killed puller $VICTIM (SIGKILL) with $KILLED_AT of $TOTAL windows stored"

for s in "${SIMS[@]}"; do wait "$s"; done
PUBLISHED=$(date +%s.%N)
cat "$WORK"/sim-*.out
for i in $(seq 1 "$PULLERS"); do wait "${PULLER[$i]}" || true; done
[ -f "$WORK/restarts.log" ] && cat "$WORK/restarts.log"

python3 - "$WORK" "$START" "$PUBLISHED" "$TOTAL" "$PULLERS" "$VICTIM" "$(SQL "SELECT COUNT(*), COUNT(DISTINCT (device_id, report_sequence)), COUNT(DISTINCT device_id), (SELECT COALESCE(SUM(reports),0) FROM windows), MIN(received_utc), MAX(received_utc) FROM reports")" <<'PY'
import datetime, glob, json, os, sys
work, start, published, total, pullers, victim, row = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
rows, distinct, devices, windowed, first, last = row.split("|")
rows, distinct, devices, windowed = int(rows), int(distinct), int(devices), int(windowed)
t = lambda s: datetime.datetime.fromisoformat(s[:26].rstrip("Z") + "+00:00").timestamp()
span = t(last) - t(first)
print(f"published {total} windows from {devices} devices over {published - start:.1f} s")
for i in range(1, pullers + 1):
    parts = []
    for path in sorted(glob.glob(f"{work}/pull-{i}-*.json")):
        run = path.rsplit("-", 1)[1].split(".")[0]
        try:
            p = json.load(open(path))
            rate = p["stored"] / p["active_seconds"] if p["active_seconds"] > 0 else 0
            parts.append(f"run {run}: stored {p['stored']}, duplicates {p['duplicates']} in {p['active_seconds']:.1f} s = {rate:.0f} reports/s")
        except (ValueError, KeyError):
            err = open(path[:-5] + ".err").read().strip().splitlines()
            parts.append(f"run {run}: ended without an account ({err[-1] if err and err[-1].startswith('error') else 'killed'})")
    print(f"puller {i}: " + "; ".join(parts))
lost, duplicated = total - distinct, rows - distinct
print(f"total: {rows} windows stored from the first to the last commit in {span:.1f} s = {rows / span:.0f} reports/s")
print(f"lost {lost}, duplicated {duplicated}, aggregated windows {windowed} (expected {rows})")
sys.exit(0 if lost == 0 and duplicated == 0 and windowed == rows else 1)
PY
