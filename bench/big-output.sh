#!/usr/bin/env bash
# A step printing 1 GiB: the interpreter's peak resident memory must stay under 64 MiB.
# Usage: bench/big-output.sh [MiB]   (default 1024)
set -euo pipefail
MIB=${1:-1024}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RUNBOOK:-$ROOT/.build/release/runbook}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$BIN" ] || (cd "$ROOT" && swift build -c release --product runbook >/dev/null)

cat > "$WORK/big.yaml" <<YAML
runbook: big-output
steps:
  - id: print
    run: "head -c $((MIB * 1024 * 1024)) /dev/zero | tr '\\\\0' x"
YAML

/usr/bin/time -v "$BIN" run "$WORK/big.yaml" --state-dir "$WORK/state" --output json \
  > "$WORK/run.jsonl" 2> "$WORK/time.txt"
grep -q '"exitCode":0' "$WORK/run.jsonl" || { echo "runbook run failed" >&2; cat "$WORK/time.txt" >&2; exit 1; }
RSS_KB=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time.txt")
WALL=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$WORK/time.txt")
BYTES=$(grep -o '"stdout":{[^}]*}' "$WORK/run.jsonl" | grep -o '"bytes":[0-9]*' | tail -1 | cut -d: -f2)
echo "printed:   ${BYTES:-?} bytes (${MIB} MiB requested)"
echo "wall:      $WALL"
echo "peak RSS:  $((RSS_KB / 1024)) MiB ($RSS_KB KiB)"
if [ "$RSS_KB" -ge $((64 * 1024)) ]; then echo "FAIL: peak RSS is not under 64 MiB"; exit 1; fi
echo "OK: under 64 MiB"
