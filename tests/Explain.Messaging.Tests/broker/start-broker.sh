#!/usr/bin/env bash
# Starts a private RabbitMQ node on 127.0.0.1:$EXPLAIN_BROKER_PORT (default 5673) with its state in
# $EXPLAIN_BROKER_DIR, waits until it serves, and prints its AMQP URI. Stop it with stop-broker.sh.
# With EXPLAIN_BROKER_OWNER_PID set (the test process), a later start stops this broker if that
# process died without stopping it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Brokers left by killed test runs.
for owner in "${TMPDIR:-/tmp}"/explain-test-broker*/owner; do
  [ -f "$owner" ] || continue
  kill -0 "$(cat "$owner")" 2>/dev/null || EXPLAIN_BROKER_DIR="$(dirname "$owner")" bash "$here/stop-broker.sh" >/dev/null 2>&1 || true
done

source "$here/env.sh"
if [ ! -x "$RABBITMQ_BIN/rabbitmq-server" ]; then
  echo "rabbitmq-server is not installed (apt-get install rabbitmq-server)" >&2
  exit 1
fi
[ -f "$RABBITMQ_PID_FILE" ] && bash "$here/stop-broker.sh" >/dev/null 2>&1   # a broker left in this very dir
mkdir -p "$EXPLAIN_BROKER_DIR"
chmod 700 "$EXPLAIN_BROKER_DIR"
cat >"$EXPLAIN_BROKER_DIR/ports.env" <<PORTS
EXPLAIN_BROKER_PORT=$EXPLAIN_BROKER_PORT
RABBITMQ_NODENAME=$RABBITMQ_NODENAME
RABBITMQ_DIST_PORT=$RABBITMQ_DIST_PORT
ERL_EPMD_PORT=$ERL_EPMD_PORT
RABBITMQ_CTL_DIST_PORT_MIN=$RABBITMQ_CTL_DIST_PORT_MIN
RABBITMQ_CTL_DIST_PORT_MAX=$RABBITMQ_CTL_DIST_PORT_MAX
PORTS
[ -n "${EXPLAIN_BROKER_OWNER_PID:-}" ] && echo "$EXPLAIN_BROKER_OWNER_PID" >"$EXPLAIN_BROKER_DIR/owner"
printf '[].\n' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
: >"$RABBITMQ_CONF_ENV_FILE"
cat >"$RABBITMQ_CONFIG_FILE" <<CONF
listeners.tcp.1 = 127.0.0.1:$EXPLAIN_BROKER_PORT
log.console = false
log.file.level = warning
CONF

"$RABBITMQ_BIN/rabbitmq-server" -detached >"$EXPLAIN_BROKER_DIR/start.log" 2>&1
if ! rabbitmqctl wait "$RABBITMQ_PID_FILE" --timeout 90 >>"$EXPLAIN_BROKER_DIR/start.log" 2>&1; then
  echo "the test broker did not start; $EXPLAIN_BROKER_DIR/start.log:" >&2
  tail -30 "$EXPLAIN_BROKER_DIR/start.log" >&2
  cat "$EXPLAIN_BROKER_DIR"/log/*.log 2>/dev/null | tail -30 >&2
  bash "$here/stop-broker.sh" >/dev/null 2>&1
  exit 1
fi
echo "amqp://guest:guest@127.0.0.1:$EXPLAIN_BROKER_PORT/"
