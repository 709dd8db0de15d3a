#!/usr/bin/env bash
# Runs every EdgeMicro test on a fresh machine (this is the README's test command; .ci/run calls it).
# Installs what the tests need if missing (Debian: mosquitto = real MQTT broker for the MQTT/device tests,
# chromium = real headless browser for the statistics HTML report test, postgresql = real PostgreSQL server for the
# statistics store tests, started by the tests themselves in a temp directory),
# non-interactively, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v socat >/dev/null 2>&1 || missing+=(socat)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
export PATH="$PATH:/usr/sbin"

dotnet test EdgeMicro.sln --nologo "$@"
