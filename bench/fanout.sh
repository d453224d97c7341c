#!/usr/bin/env bash
# Fan-out: one `run: "true"` step on a group of H hosts (`ansible_connection=local`),
# `max_parallel: P`, with `runbook run` (release build, journal fsynced as usual), against
# `xargs -P P -n1 sh -c true` over H arguments. Whole-process wall time, median of RUNS (3).
# Usage: bench/fanout.sh [H] [P]   (defaults 1000 and 50)
set -euo pipefail
H=${1:-1000}
P=${2:-50}
RUNS=${RUNS:-3}
. "$(dirname "$0")/lib.sh"

{
    echo "[fleet]"
    for i in $(seq 1 "$H"); do printf 'h%05d ansible_connection=local\n' "$i"; done
} > "$WORK/inventory.ini"
cat > "$WORK/fanout.yaml" <<YAML
runbook: fanout
steps:
  - id: everywhere
    on: fleet
    max_parallel: $P
    run: "true"
YAML

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_runbook() {
    local t0 t1
    t0=$(now)
    "$BIN" run "$WORK/fanout.yaml" --inventory "$WORK/inventory.ini" --yes --state-dir "$WORK/state" \
        --output json > "$WORK/run.jsonl"
    t1=$(now)
    grep -q '"exitCode":0' "$WORK/run.jsonl" || { echo "runbook run failed" >&2; tail -3 "$WORK/run.jsonl" >&2; exit 1; }
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}
time_xargs() {
    local t0 t1
    t0=$(now)
    seq 1 "$H" | xargs -P "$P" -n1 sh -c true
    t1=$(now)
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

# The floor under runbook's durability rule: the same children, gated, each start line fsynced
# before its gate opens, on one C thread (bench/fanout-floor.c).
cc -O2 -o "$WORK/fanout-floor" bench/fanout-floor.c
time_floor() {
    local t0 t1
    t0=$(now)
    (cd "$WORK" && ./fanout-floor "$H" "$P")
    t1=$(now)
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

RB=$(for _ in $(seq 1 "$RUNS"); do time_runbook; done | median)
XA=$(for _ in $(seq 1 "$RUNS"); do time_xargs; done | median)
FL=$(for _ in $(seq 1 "$RUNS"); do time_floor; done | median)
started=$(grep -c '"event":"stepStarted"' "$WORK/run.jsonl" || true)

echo "## fan-out $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "hosts $H, max_parallel $P, median of $RUNS (last run journaled $started stepStarted)"
echo "runbook run:             $RB s"
echo "xargs -P $P sh -c true:   $XA s"
echo "floor (C, journaled):    $FL s   (bench/fanout-floor.c)"
echo "ratio runbook/xargs:     $(echo "scale=2; $RB / $XA" | bc)x   (aim <= 1.2x)"
echo "ratio floor/xargs:       $(echo "scale=2; $FL / $XA" | bc)x"
