#!/usr/bin/env bash
# Per-step overhead of `runbook run`: N `run: "true"` steps, against a bash loop of
# `sh -c true` and (when it installs) ansible-core with `command: /bin/true`.
# Usage: bench/overhead.sh [N] [ANSIBLE_N]   (defaults 500 and 100; ansible is scaled per step)
set -euo pipefail
N=${1:-500}
AN=${2:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RUNBOOK:-$ROOT/.build/release/runbook}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$BIN" ] || (cd "$ROOT" && swift build -c release --product runbook >/dev/null)

{
  echo "runbook: overhead"
  echo "steps:"
  for i in $(seq 1 "$N"); do printf '  - id: s%d\n    run: "true"\n' "$i"; done
} > "$WORK/overhead.yaml"

now() { date +%s.%N; }
per_step_ms() { echo "scale=3; ($2 - $1) * 1000 / $3" | bc; }

t0=$(now); "$BIN" run "$WORK/overhead.yaml" --state-dir "$WORK/state" --output json > "$WORK/run.jsonl"; t1=$(now)
grep -q '"exitCode":0' "$WORK/run.jsonl" || { echo "runbook run failed" >&2; tail -3 "$WORK/run.jsonl" >&2; exit 1; }
RB=$(per_step_ms "$t0" "$t1" "$N")

t0=$(now); for _ in $(seq 1 "$N"); do sh -c true; done; t1=$(now)
SH=$(per_step_ms "$t0" "$t1" "$N")

AB=""
if [ "$AN" -gt 0 ] && { command -v ansible-playbook >/dev/null || pip install --quiet ansible-core >/dev/null 2>&1; }; then
  {
    echo "- hosts: localhost"
    echo "  connection: local"
    echo "  gather_facts: false"
    echo "  tasks:"
    for i in $(seq 1 "$AN"); do printf '    - command: /bin/true\n'; done
  } > "$WORK/play.yml"
  t0=$(now); ANSIBLE_NOCOLOR=1 ansible-playbook -i localhost, -e "ansible_python_interpreter=$(python3 -c 'import sys; print(sys.executable)')" "$WORK/play.yml" > "$WORK/ansible.log"; t1=$(now)
  AB=$(per_step_ms "$t0" "$t1" "$AN")
fi

echo "steps:                 $N (ansible: $AN)"
echo "runbook per step:      $RB ms"
echo "sh -c true per step:   $SH ms"
echo "ratio runbook/shell:   $(echo "scale=2; $RB / $SH" | bc)"
if [ -n "$AB" ]; then
  echo "ansible per task:      $AB ms"
  echo "ratio ansible/runbook: $(echo "scale=1; $AB / $RB" | bc)"
else
  echo "ansible-core:          not available"
fi
