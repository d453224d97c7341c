#!/bin/sh
# Crash harness at scale: kill -9 the interpreter at random moments (default 500 times),
# resume until done; every step's effect must happen exactly once, no two copies of any step
# may run at the same moment (each step registers its id and pid under flock while it runs; the
# killed run's commands go on, so each resume must wait for them), and `runbook audit verify`
# must pass after every kill. Every third run rolls back (in-flight steps resumed with --skip must
# be rolled back too), and a changed output file must fail `audit verify` at the end of each run. The CI test (Tests/EndToEndTests/Journal/CrashHarnessTests.swift)
# is the same harness with 50 kills.
#
#   bench/crash.sh [KILLS] [SEED]
set -eu
cd "$(dirname "$0")/.."
KILLS=${1:-500}
# A failed build says why (it printed nothing and exited 1).
log=$(mktemp)
if ! swift build --build-tests >"$log" 2>&1; then
    tail -20 "$log" >&2
    echo "bench/crash.sh: the build failed (after scripts/test, see docs/testing.md on -lCoreFoundation)" >&2
    rm -f "$log"
    exit 1
fi
rm -f "$log"
if [ -n "${2:-}" ]; then export CRASH_SEED="$2"; fi
start=$(date +%s)
CRASH_KILLS=$KILLS swift test --skip-build --filter CrashHarnessTests 2>&1 | grep -A4 -E "crash harness:|Issue recorded|passed after|failed after" | grep -vE "Suite|^--$"
echo "wall time: $(( $(date +%s) - start )) s"
