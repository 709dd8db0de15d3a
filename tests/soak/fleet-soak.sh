#!/usr/bin/env bash
# Soak: N virtual devices (default 1000) started at once against a real mosquitto, with `edgemicro stats pull`
# storing and acknowledging everything. Prints memory (RSS), threads and file descriptors of the device process
# every 5 s, then the pull account, results stored vs samples classified, and reports/s. Exit 0 only with 0 lost.
#   tests/soak/fleet-soak.sh [DEVICES] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICES=${1:-1000}
ROWS=${2:-60}
WORK=$(mktemp -d -t edgemicro-soak-XXXX)   # under $TMPDIR
PORT=$(( 20000 + RANDOM % 20000 ))
export PATH="$PATH:/usr/sbin"
dotnet build host-tools/EdgeMicro.Cli -c Release -v q --nologo >/dev/null
CLI="dotnet host-tools/EdgeMicro.Cli/bin/Release/net10.0/edgemicro.dll"
$CLI convert models/digits_mlp_dev/model.onnx --calibration models/data/digits_calib.csv --test models/data/digits_test.csv \
  --normalization models/digits_mlp_dev/normalization.json --name Digits --out "$WORK/model" >/dev/null 2>&1

cat > "$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 1000000
max_inflight_messages 1000
CONF
ulimit -n 65536 2>/dev/null || true
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true' EXIT
sleep 1

head -n $(( ROWS + 1 )) models/data/digits_test.csv > "$WORK/replay.csv"
cat > "$WORK/device.json" <<JSON
{"device_id":"soak","mqtt_host":"127.0.0.1","mqtt_port":$PORT,"fleet_key":"000102030405060708090a0b0c0d0e0f","sensor":"replay",
 "sample_period_ms":100,"outbox_capacity":512,"ack_timeout_ms":15000,"persist_period_ms":60000,"stats_every_samples":20}
JSON

$CLI stats pull --mqtt 127.0.0.1:$PORT --all --store "$WORK/fleet.db" --client-id soak-puller --idle 20 --json >"$WORK/pull.json" 2>"$WORK/pull.err" &
PULLER=$!
sleep 2
START=$(date +%s.%N); START_S=$(date +%s)
$CLI device fleet --count "$DEVICES" --config "$WORK/device.json" --replay "$WORK/replay.csv" --model "$WORK/model" \
  --storage-root "$WORK/devices" --quiet >"$WORK/fleet.out" 2>"$WORK/fleet.err" &
FLEET=$!
while kill -0 $FLEET 2>/dev/null; do
  if [ -r /proc/$FLEET/status ]; then
    echo "t=$(( $(date +%s) - START_S ))s rss=$(awk '/VmRSS/{print $2" "$3}' /proc/$FLEET/status) threads=$(awk '/Threads/{print $2}' /proc/$FLEET/status) fds=$(ls /proc/$FLEET/fd 2>/dev/null | wc -l)"
  fi
  sleep 5
done
wait $FLEET || true
END=$(date +%s.%N)
wait $PULLER || true
SAMPLES=$(awk '/samples,/{s+=$2} END{print s+0}' "$WORK/fleet.out")
python3 - "$WORK" "$SAMPLES" "$START" "$END" <<'PY'
import json, sqlite3, sys
work, samples, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
db = sqlite3.connect(work + "/fleet.db")
results = db.execute("SELECT COUNT(*) FROM messages WHERE type='result'").fetchone()[0]
reports = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
windowed = db.execute("SELECT COALESCE(SUM(inferences),0) FROM reports").fetchone()[0]
pull = json.load(open(work + "/pull.json"))
lost = max(0, samples - results) + max(0, samples - windowed) + pull["gaps"]
print(f"devices {len(pull['devices'])}, samples {samples}, results stored {results}, windows {reports} covering {windowed} inferences, "
      f"gaps {pull['gaps']}, duplicates re-delivered {pull['duplicates']}, lost {lost}; {reports / (end - start):.0f} reports/s, "
      f"{pull['received'] / (end - start):.0f} messages/s over {end - start:.0f} s")
sys.exit(0 if lost == 0 else 1)
PY
