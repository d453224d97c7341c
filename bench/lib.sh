# Sourced by the benches (bash or sh): works from the package root and sets
#   ROOT  the package root
#   WORK  a scratch directory, removed on exit
#   BIN   the runbook binary measured: $RUNBOOK when set, else the release build, built
#         (incrementally) first unless SKIP_BUILD=1
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
BIN=${RUNBOOK:-$ROOT/.build/release/runbook}
if [ -z "${RUNBOOK:-}" ] && [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --product runbook >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi
