#!/usr/bin/env bash
# Installs everything the test suites need from the registries this project reaches (Debian, npm).
# Idempotent and quick when all is present: apt-get runs only for missing packages.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  python3-torch python3-torchvision python3-onnx python3-numpy python3-pil python3-opencv   # numerical oracle, fixtures
  libonnx-testdata                                                           # ONNX operator conformance tests
  libturbojpeg0 libspng0                                                     # image decoding
  python3-grpcio python3-grpc-tools python3-protobuf                         # gRPC interop peer
  rabbitmq-server                                                            # private test broker (Explain.Messaging.Tests/broker)
  chromium                                                                   # report page opened headless (Explain.Cam.Tests)
  prometheus                                                                 # promtool + a real Prometheus (Explain.Telemetry.Tests)
  python3-yaml python3-jsonschema                                            # deploy/validate.sh: compose-spec schema check
  nodejs                                                                     # deploy/validate.sh: kubectl kustomize + k8s schemas (npm; validate.sh adds Debian npm if no npm)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" = "0" ] || sudo_cmd="sudo"
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for script in "$root"/tests/*/install-deps.sh; do
  [ -f "$script" ] && bash "$script"
done
exit 0
