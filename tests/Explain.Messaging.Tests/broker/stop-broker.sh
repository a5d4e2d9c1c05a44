#!/usr/bin/env bash
# Stops the private test broker started by start-broker.sh, its epmd, and deletes its state.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"

if [ -f "$RABBITMQ_PID_FILE" ]; then
  pid="$(cat "$RABBITMQ_PID_FILE")"
  # `stop <pidfile>` returns once the OS process is gone; kill it if the node does not answer.
  rabbitmqctl stop "$RABBITMQ_PID_FILE" --timeout 30 >/dev/null 2>&1 || true
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
fi
epmd_bin="$(command -v epmd || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -1)"
[ -n "$epmd_bin" ] && "$epmd_bin" -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1
case "$EXPLAIN_BROKER_DIR" in
  */explain-test-broker*) rm -rf "$EXPLAIN_BROKER_DIR" ;;
esac
exit 0
