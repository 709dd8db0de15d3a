#!/usr/bin/env bash
# The delivery fault tests (broker kill -9 without persistence, puller process kill -9, device reboot) with 100
# virtual devices instead of the default suite's 10.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/sbin"
EDGEMICRO_FAULT_DEVICES=${1:-100} dotnet test tests/EdgeMicro.Stats.Tests --nologo --filter "FullyQualifiedName~DeliveryFaultTests" \
  --logger "console;verbosity=normal"
