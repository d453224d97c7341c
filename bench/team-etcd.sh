#!/usr/bin/env bash
# Per-step overhead of the etcd team store against the local state directory: one runbook of
# N `true` steps, run with --state-dir and with --state etcd://… (a dedicated etcd on loopback
# started here, never a shared one), through the gateway client (the default for http stores)
# and through etcdctl per call (RUNBOOK_ETCD_CLIENT=etcdctl, what TLS stores use).
# Usage: bench/team-etcd.sh [N]   (default 20)
#
# bench/team-etcd.sh crash [KILLS] [SEED]: the crash harness against the team store
# (Tests/EndToEndTests/TeamState/EtcdCrashHarnessTests.swift) with KILLS kill -9s (default 50,
# the issue's count; the test suite runs 20, each kill costing a 2 s lease expiry and more).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = crash ]; then
  cd "$ROOT"
  swift build --build-tests >/dev/null
  if [ -n "${3:-}" ]; then export CRASH_SEED="$3"; fi
  start=$(date +%s)
  ETCD_CRASH_KILLS=${2:-50} swift test --skip-build --filter EtcdCrashHarnessTests 2>&1 \
    | grep -E "etcd crash harness:|Issue recorded|recorded an issue|passed after|failed after" | grep -v Suite
  echo "wall time: $(( $(date +%s) - start )) s"
  exit 0
fi
N=${1:-20}
BIN=${RUNBOOK:-$ROOT/.build/release/runbook}
WORK=$(mktemp -d)
ETCD_PID=""
trap '[ -n "$ETCD_PID" ] && kill "$ETCD_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || (cd "$ROOT" && swift build -c release --product runbook >/dev/null)

PORT=$((20000 + RANDOM % 20000)); PEER=$((PORT + 1))
etcd --name b1 --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$PORT" \
  --advertise-client-urls "http://127.0.0.1:$PORT" --listen-peer-urls "http://127.0.0.1:$PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$PEER" --initial-cluster "b1=http://127.0.0.1:$PEER" \
  --heartbeat-interval=10 --election-timeout=100 >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
for _ in $(seq 100); do ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$PORT" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done

{ echo "runbook: bench-team"; echo "steps:"; for i in $(seq "$N"); do echo "  - id: s$i"; echo "    run: \"true\""; done; } > "$WORK/rb.yaml"
{ echo "runbook: bench-one"; echo "steps:"; echo "  - id: s1"; echo "    run: \"true\""; } > "$WORK/one.yaml"

ms1() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
# The median of 5 runs: one run on a shared machine is too noisy to divide by.
ms() { for _ in 1 2 3 4 5; do ms1 "$@"; done | sort -n | sed -n 3p; }
cd "$WORK"
L1=$(ms "$BIN" run one.yaml --state-dir local); LN=$(ms "$BIN" run rb.yaml --state-dir local)
E1=$(ms "$BIN" run one.yaml --state "etcd://127.0.0.1:$PORT/bench"); EN=$(ms "$BIN" run rb.yaml --state "etcd://127.0.0.1:$PORT/bench")
export RUNBOOK_ETCD_CLIENT=etcdctl
C1=$(ms "$BIN" run one.yaml --state "etcd://127.0.0.1:$PORT/bench"); CN=$(ms "$BIN" run rb.yaml --state "etcd://127.0.0.1:$PORT/bench")
unset RUNBOOK_ETCD_CLIENT
LS=$(( (LN - L1) / (N - 1) )); ES=$(( (EN - E1) / (N - 1) )); CS=$(( (CN - C1) / (N - 1) ))
ratio() { awk -v a="$1" -v b="$LS" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
echo "local:           1 step ${L1} ms, $N steps ${LN} ms, per step ${LS} ms"
echo "etcd (gateway):  1 step ${E1} ms, $N steps ${EN} ms, per step ${ES} ms"
echo "etcd (etcdctl):  1 step ${C1} ms, $N steps ${CN} ms, per step ${CS} ms"
echo "etcd/local per step: gateway $(ratio "$ES")x, etcdctl $(ratio "$CS")x"
