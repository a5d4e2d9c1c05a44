#!/usr/bin/env bash
# Installs the peers used by the gRPC interop tests (tests/Explain.Interop.Tests) and bench/Explain.Rpc.Bench.
# Idempotent: a second run only checks that everything is present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if ! /usr/bin/python3 -c 'import grpc, grpc_tools.protoc' >/dev/null 2>&1; then
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-grpcio python3-grpc-tools python3-protobuf >/dev/null
fi

node_dir="$root/clients/interop/node"
if [ ! -d "$node_dir/node_modules/@grpc/grpc-js" ] || [ ! -d "$node_dir/node_modules/@grpc/proto-loader" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "interop deps ready"
