#!/usr/bin/env bash
# Runs every test suite of Explain on this machine: installs what the tests need, makes the
# PyTorch fixtures (cached in .fixtures/), builds once, runs each test project (and the SIMD
# kernel tests again with AVX-512 and with all hardware intrinsics disabled), and ends with the
# line "N passed, M failed". Exit status is non-zero when anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
mkdir -p artifacts/test-logs

bash scripts/install-test-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
for script in tests/*/ensure-fixtures.sh tests/*/fixtures/make_fixtures.sh; do
  [ -f "$script" ] || continue
  bash "$script" || { echo "fixture script $script failed"; echo "0 passed, 1 failed"; exit 1; }
done

if ! dotnet build Explain.sln -c Release --nologo -v q >artifacts/test-logs/build.log 2>&1; then
  grep -E "error" artifacts/test-logs/build.log | sort -u | head -40
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; skipped=0
run() { # name, env..., -- dotnet test args
  local name="$1"; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  local log="artifacts/test-logs/$name.log"
  echo "== $name"
  env "${envs[@]}" dotnet test "$@" -c Release --no-build --nologo >"$log" 2>&1
  local rc=$?
  local line
  line=$(grep -E "(Passed|Failed)!? +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$log" | tail -1)
  if [ -n "$line" ]; then
    local f p s
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    echo "   $p passed, $f failed, $s skipped"
    [ "$f" -gt 0 ] && grep -E "^\s+Failed |Error Message" -A3 "$log" | head -60
  else
    failed=$((failed + 1))
    echo "   no test summary (exit $rc); see $log"; tail -30 "$log"
  fi
  [ "$rc" -ne 0 ] && [ -n "$line" ] && [ "$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")" = "0" ] && { failed=$((failed + 1)); echo "   exit $rc without failed tests"; }
  return 0
}

for project in tests/*/*.Tests.csproj; do
  run "$(basename "$project" .csproj)" -- "$project"
done
# SIMD kernels again with the wide paths disabled, so every fallback runs (ImageSharp does the same).
# .NET 10 reads DOTNET_EnableAVX512 (the older EnableAVX512F alone no longer disables Vector512).
run "Kernels.NoAVX512" DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 -- tests/Explain.Engine.Tests/Explain.Engine.Tests.csproj --filter "Category=Kernels"
run "Kernels.NoSIMD" DOTNET_EnableHWIntrinsic=0 -- tests/Explain.Engine.Tests/Explain.Engine.Tests.csproj --filter "Category=Kernels"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
