# Sourced by start-broker.sh, stop-broker.sh and ctl.sh: where a private test broker lives and
# which loopback ports it uses. Non-default ports and node name so it never meets a system broker;
# the test fixture gives each run its own dir and ports, so concurrent runs do not meet either.
export EXPLAIN_BROKER_DIR="${EXPLAIN_BROKER_DIR:-${TMPDIR:-/tmp}/explain-test-broker}"
# A started broker records its ports here, so stop/ctl find it from the dir alone.
if [ -f "$EXPLAIN_BROKER_DIR/ports.env" ]; then
  source "$EXPLAIN_BROKER_DIR/ports.env"
fi
export EXPLAIN_BROKER_PORT="${EXPLAIN_BROKER_PORT:-5673}"
export RABBITMQ_NODENAME="${RABBITMQ_NODENAME:-explain-test@localhost}"
export RABBITMQ_DIST_PORT="${RABBITMQ_DIST_PORT:-25673}"
export ERL_EPMD_PORT="${ERL_EPMD_PORT:-4370}"
export RABBITMQ_CTL_DIST_PORT_MIN="${RABBITMQ_CTL_DIST_PORT_MIN:-35673}"
export RABBITMQ_CTL_DIST_PORT_MAX="${RABBITMQ_CTL_DIST_PORT_MAX:-35683}"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$EXPLAIN_BROKER_PORT"
export ERL_EPMD_ADDRESS=127.0.0.1
# Erlang distribution (used by rabbitmqctl) on loopback only, like everything else.
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} ${EXPLAIN_BROKER_ERL_ARGS:-}"
export RABBITMQ_MNESIA_BASE="$EXPLAIN_BROKER_DIR/mnesia"
export RABBITMQ_LOG_BASE="$EXPLAIN_BROKER_DIR/log"
export RABBITMQ_PID_FILE="$EXPLAIN_BROKER_DIR/broker.pid"
export RABBITMQ_CONFIG_FILE="$EXPLAIN_BROKER_DIR/rabbitmq.conf"
export RABBITMQ_CONF_ENV_FILE="$EXPLAIN_BROKER_DIR/rabbitmq-env.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$EXPLAIN_BROKER_DIR/advanced.config"
# No plugins: streams over AMQP 0.9.1 are part of the core broker (the plugin is only the binary protocol).
export RABBITMQ_ENABLED_PLUGINS_FILE="$EXPLAIN_BROKER_DIR/enabled_plugins"
# The Erlang cookie is read from $HOME; a private HOME keeps it away from the user's.
export HOME="$EXPLAIN_BROKER_DIR"
# The Debian wrappers in /usr/sbin switch to the rabbitmq user; the plain scripts run as we are.
RABBITMQ_BIN=/usr/lib/rabbitmq/bin
rabbitmqctl() { "$RABBITMQ_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" "$@"; }
