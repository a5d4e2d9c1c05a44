#!/usr/bin/env bash
# rabbitmqctl against the private test broker, e.g. `ctl.sh stop_app`; used by the recovery tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
rabbitmqctl "$@"
