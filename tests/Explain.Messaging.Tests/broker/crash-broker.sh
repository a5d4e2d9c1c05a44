#!/usr/bin/env bash
# Crashes the private test broker: SIGKILL to its Erlang VM, no shutdown of any kind, its state left
# on disk as the crash left it. start-broker.sh then brings the node back on the same dir and ports.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
pid="$(cat "$RABBITMQ_PID_FILE")"
kill -9 "$pid"
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "broker process $pid survived SIGKILL" >&2
  exit 1
fi
rm -f "$RABBITMQ_PID_FILE"
