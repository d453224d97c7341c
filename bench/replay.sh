#!/bin/sh
# Replays a 100,000-event journal: `runbook status` (read + decode + replay) and
# `runbook audit verify` (read + decode + SHA-256 chain), release build: wall and CPU time, peak RSS.
# On a shared machine compare the CPU time: wall time includes waiting for other processes.
# usage: bench/replay.sh [EVENTS]   (default 100000)
set -eu
cd "$(dirname "$0")/.."
events="${1:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product runbook >/dev/null
bin="$(swift build -c release --show-bin-path)/runbook"
run="$(python3 bench/make-journal.py "$work/state" "$events")"
size="$(wc -c < "$work/state/runs/$run/journal.jsonl")"
echo "journal: $events events, $size bytes"
measure() {
    label="$1"; shift
    best=""
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %U %M" -o "$work/time" "$@" >/dev/null
        read -r secs user kb < "$work/time"
        if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc)" = 1 ]; then best="$secs"; cpu="$user"; mem="$kb"; fi
    done
    echo "$label: best of 3 ${best} s wall, ${cpu} s user CPU, peak RSS $((mem / 1024)) MiB"
}
measure "runbook status" "$bin" status --state-dir "$work/state" "$run"
measure "runbook audit verify" "$bin" audit verify --state-dir "$work/state" "$run"
