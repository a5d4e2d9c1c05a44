# Sourced by ./explain, ./test.sh and the fixture scripts: sets and exports EXPLAIN_SHARED, the
# folder holding the shared data (data/images) and the model store (models). Order: an
# EXPLAIN_SHARED already set; a folder named "shared" beside the repository or beside any folder
# above it (../shared is where the guide puts it); /work/shared. Leaves it unset when none exists.
explain_find_shared() {
  local start="$1" dir
  if [ -n "${EXPLAIN_SHARED:-}" ]; then
    [ -d "$EXPLAIN_SHARED/models" ] || { echo "EXPLAIN_SHARED=$EXPLAIN_SHARED has no models/ folder" >&2; return 1; }
    export EXPLAIN_SHARED; return 0
  fi
  dir="$(cd "$start" && pwd)"
  while [ "$dir" != "/" ]; do
    dir="$(dirname "$dir")"
    if [ -d "$dir/shared/models" ] && [ -d "$dir/shared/data/images" ]; then
      EXPLAIN_SHARED="$dir/shared"; export EXPLAIN_SHARED; return 0
    fi
  done
  if [ -d /work/shared/models ] && [ -d /work/shared/data/images ]; then
    EXPLAIN_SHARED=/work/shared; export EXPLAIN_SHARED; return 0
  fi
  return 1
}
