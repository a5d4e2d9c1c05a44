#!/usr/bin/env bash
# Runs every test suite of Explain on this machine: installs what the tests need, makes the
# PyTorch fixtures (cached in .fixtures/), builds once, runs each test project (and the SIMD
# kernel tests again with AVX-512 and with all hardware intrinsics disabled), and ends with the
# line "N passed, M failed, K skipped". Exit status is non-zero when anything failed.
# Each run has a hang timeout and a minimum test count from tests/test-minimums.tsv; a run that
# reports fewer tests than its minimum, or has no row there, counts as a failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
mkdir -p artifacts/test-logs && rm -f artifacts/test-logs/failures.txt
# The shared images and model store the tests read (../shared beside the repository, or $EXPLAIN_SHARED).
. scripts/shared-dir.sh
if ! explain_find_shared "$root"; then
  echo "the shared data folder (data/images, models) was not found beside this repository ($root/../shared)"
  echo "or above it, nor at /work/shared: set EXPLAIN_SHARED=/path/to/shared"
  echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
echo "shared data: $EXPLAIN_SHARED"

bash scripts/install-test-deps.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
for script in tests/*/ensure-fixtures.sh tests/*/fixtures/make_fixtures.sh; do
  [ -f "$script" ] || continue
  bash "$script" || { echo "fixture script $script failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
done

if ! dotnet build Explain.sln -c Release --nologo -v q >artifacts/test-logs/build.log 2>&1; then
  grep -E "error" artifacts/test-logs/build.log | sort -u | head -40
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0
declare -A minimum hang
while read -r name min timeout; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  minimum[$name]=$min; hang[$name]=$timeout
done <tests/test-minimums.tsv
for name in "${!minimum[@]}"; do
  [[ "$name" == Kernels.* || -f "tests/$name/$name.csproj" ]] && continue
  echo "tests/test-minimums.tsv names $name, which is not a test project: remove its row"
  failed=$((failed + 1))
done

run() { # name, env..., -- dotnet test args
  local name="$1"; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  local log="artifacts/test-logs/$name.log"
  echo "== $name"
  if [ -z "${minimum[$name]:-}" ]; then
    echo "   no row for $name in tests/test-minimums.tsv (minimum test count, hang timeout): not run"
    failed=$((failed + 1)); return 0
  fi
  env "${envs[@]}" dotnet test "$@" -c Release --no-build --nologo \
    --blame-hang-timeout "${hang[$name]}" --blame-hang-dump-type none >"$log" 2>&1
  local rc=$?
  local line
  line=$(grep -E "(Passed|Failed)!? +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$log" | tail -1)
  if [ -n "$line" ]; then
    local f p s
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    echo "   $p passed, $f failed, $s skipped (minimum $((${minimum[$name]})) tests)"
    [ "$f" -gt 0 ] && { echo "-- $name"; grep -E "^\s+Failed |Error Message" -A12 "$log" | head -120; } | tee -a artifacts/test-logs/failures.txt
    if [ $((p + f + s)) -lt "${minimum[$name]}" ]; then
      echo "   only $((p + f + s)) tests ran, fewer than the minimum ${minimum[$name]} in tests/test-minimums.tsv"
      failed=$((failed + 1))
    fi
  else
    failed=$((failed + 1))
    echo "   no test summary (exit $rc); see $log"; tail -30 "$log"
  fi
  grep -q "inactivity time\|The active test run was aborted" "$log" && { echo "   a test hung (blame-hang-timeout ${hang[$name]}); see $log"; grep -E "blame|hang|Sequence" -i "$log" | head -5; }
  [ "$rc" -ne 0 ] && [ -n "$line" ] && [ "$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")" = "0" ] && { failed=$((failed + 1)); echo "   exit $rc without failed tests"; }
  return 0
}

for project in tests/*/*.Tests.csproj; do
  run "$(basename "$project" .csproj)" -- "$project"
done
# SIMD kernels again with the wide paths disabled, so every fallback runs (ImageSharp does the same).
# .NET 10 reads DOTNET_EnableAVX512 (the older EnableAVX512F alone no longer disables Vector512).
# EXPLAIN_EXPECTED_SIMD names the path each re-run is for: SimdPathTests fails inside the test
# process when the runtime did not take the knob.
run "Kernels.NoAVX512" DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 EXPLAIN_EXPECTED_SIMD=no-avx512 -- tests/Explain.Engine.Tests/Explain.Engine.Tests.csproj --filter "Category=Kernels"
run "Kernels.NoSIMD" DOTNET_EnableHWIntrinsic=0 EXPLAIN_EXPECTED_SIMD=scalar -- tests/Explain.Engine.Tests/Explain.Engine.Tests.csproj --filter "Category=Kernels"

# The failed tests again, last, where a reader of only the end of the output sees them.
[ -s artifacts/test-logs/failures.txt ] && { echo "== failed tests"; head -80 artifacts/test-logs/failures.txt; }
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
