#!/usr/bin/env bash
# Where the time of a `run: "true"` step goes: `runbook run` (release build) of N steps under
# `strace -c -f` (syscall counts and time, all threads and children), `perf stat` when the
# kernel lets it count, and the same run with the state directory on disk and on tmpfs
# (/dev/shm), which separates the fsyncs from the rest.
# Usage: bench/profile.sh [N]   (default 200)
set -euo pipefail
N=${1:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RUNBOOK:-$ROOT/.build/release/runbook}
WORK=$(mktemp -d)
SHM=$(mktemp -d /dev/shm/runbook-profile-XXXXXX)
trap 'rm -rf "$WORK" "$SHM"' EXIT
[ -x "$BIN" ] || (cd "$ROOT" && swift build -c release --product runbook >/dev/null)
{
    echo "runbook: profile"
    echo "steps:"
    for i in $(seq 1 "$N"); do printf '  - id: s%d\n    run: "true"\n' "$i"; done
} > "$WORK/p.yaml"
now() { date +%s%N; }
run() { "$BIN" run "$WORK/p.yaml" --state-dir "$1" --output json > "$WORK/out.jsonl"; }

echo "## profile of $N run: \"true\" steps, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
for where in "$WORK/state" "$SHM/state"; do
    t0=$(now); run "$where"; t1=$(now)
    echo "wall, state dir $where: $(( (t1 - t0) / 1000 / N )) us per step"
done
t0=$(now); for _ in $(seq 1 "$N"); do sh -c true; done; t1=$(now)
echo "wall, sh -c true loop: $(( (t1 - t0) / 1000 / N )) us per step"

echo; echo "### strace -c -f (state dir on disk)"
strace -c -f -o "$WORK/strace.txt" "$BIN" run "$WORK/p.yaml" --state-dir "$WORK/state2" --output json > /dev/null
head -25 "$WORK/strace.txt"
echo; echo "### per-process view: processes started and execve per step"
strace -f -e trace=execve,clone,clone3,vfork -o "$WORK/exec.txt" "$BIN" run "$WORK/p.yaml" --state-dir "$WORK/state3" --output json > /dev/null
echo "execve: $(grep -c 'execve(' "$WORK/exec.txt") ($(grep 'execve(' "$WORK/exec.txt" | grep -o 'execve("[^"]*"' | sort | uniq -c | tr '\n' ';'))"
echo "clone/clone3/vfork: $(grep -cE 'clone3?\(|vfork\(' "$WORK/exec.txt")"
echo; echo "### perf stat"
perf stat -e task-clock,context-switches,cpu-migrations,page-faults -- "$BIN" run "$WORK/p.yaml" --state-dir "$WORK/state4" --output json 2>&1 >/dev/null | sed -n '/Performance/,$p' || echo "perf stat not available"
