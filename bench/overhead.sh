#!/usr/bin/env bash
# Per-step overhead of `runbook run` (release build): the marginal cost of a `run: "true"` step
# (N steps against N/10, so start-up cancels out), against the same marginal of a bash loop of
# `sh -c true` and of ansible-core (`command: /bin/true`, local connection, no facts; AN tasks
# against AN/10). ansible-core is installed from PyPI into a virtual environment
# ($RUNBOOK_BENCH_VENV, default ~/.cache/runbook-bench/ansible) when `ansible-playbook` is missing.
# Median of RUNS runs (default 3; ansible 1 run unless ANSIBLE_RUNS is set).
# Usage: bench/overhead.sh [N] [AN]   (defaults 200 and 20; AN=0 skips ansible)
#        STATE_DIR=/dev/shm/x bench/overhead.sh   (journal on tmpfs: shows what the fsyncs cost)
set -euo pipefail
N=${1:-200}
AN=${2:-20}
RUNS=${RUNS:-3}
ANSIBLE_RUNS=${ANSIBLE_RUNS:-1}
. "$(dirname "$0")/lib.sh"
SMALL=$((N / 10)); [ "$SMALL" -ge 1 ] || SMALL=1
ASMALL=$((AN / 10)); [ "$ASMALL" -ge 1 ] || ASMALL=1

runbook_file() { # runbook_file STEPS
    echo "runbook: overhead"
    echo "steps:"
    for i in $(seq 1 "$1"); do printf '  - id: s%d\n    run: "true"\n' "$i"; done
}
now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

time_runbook() { # time_runbook STEPS -> ns
    local file="$WORK/rb$1.yaml" state="${STATE_DIR:-$WORK/state}" t0 t1
    [ -f "$file" ] || runbook_file "$1" > "$file"
    t0=$(now)
    "$BIN" run "$file" --state-dir "$state" --output json > "$WORK/run.jsonl"
    t1=$(now)
    grep -q '"exitCode":0' "$WORK/run.jsonl" || { echo "runbook run failed" >&2; tail -3 "$WORK/run.jsonl" >&2; exit 1; }
    echo $((t1 - t0))
}
time_shell() { # time_shell COUNT -> ns
    local t0 t1
    t0=$(now); for _ in $(seq 1 "$1"); do sh -c true; done; t1=$(now)
    echo $((t1 - t0))
}
# marginal KIND BIG SMALL RUNS -> ms per step (median over RUNS of (t(BIG) - t(SMALL)) / (BIG - SMALL))
marginal() {
    for _ in $(seq 1 "$4"); do
        big=$("$1" "$2"); small=$("$1" "$3")
        echo "scale=4; ($big - $small) / 1000000 / ($2 - $3)" | bc
    done | median
}

RB=$(marginal time_runbook "$N" "$SMALL" "$RUNS")
SH=$(marginal time_shell "$N" "$SMALL" "$RUNS")

AB=""
if [ "$AN" -gt 0 ]; then
    PLAYBOOK=$(command -v ansible-playbook || true)
    PY=python3
    if [ -z "$PLAYBOOK" ]; then
        VENV=${RUNBOOK_BENCH_VENV:-$HOME/.cache/runbook-bench/ansible}
        if [ ! -x "$VENV/bin/ansible-playbook" ]; then
            python3 -m venv "$VENV" >/dev/null 2>&1 && "$VENV/bin/pip" install --quiet ansible-core >/dev/null 2>&1 \
                || echo "ansible-core could not be installed into $VENV" >&2
        fi
        [ -x "$VENV/bin/ansible-playbook" ] && PLAYBOOK=$VENV/bin/ansible-playbook && PY=$VENV/bin/python
    else
        PY=$(head -1 "$PLAYBOOK" | sed -n 's/^#! *//p' | awk '{ print $1 }'); [ -x "$PY" ] || PY=python3
    fi
    if [ -n "$PLAYBOOK" ]; then
        time_ansible() { # time_ansible TASKS -> ns
            local file="$WORK/play$1.yml" t0 t1
            if [ ! -f "$file" ]; then
                printf -- '- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n' > "$file"
                for _ in $(seq 1 "$1"); do printf '    - command: /bin/true\n'; done >> "$file"
            fi
            t0=$(now)
            ANSIBLE_NOCOLOR=1 "$PLAYBOOK" -i localhost, -e "ansible_python_interpreter=$PY" "$file" > "$WORK/ansible.log"
            t1=$(now)
            echo $((t1 - t0))
        }
        AB=$(marginal time_ansible "$AN" "$ASMALL" "$ANSIBLE_RUNS")
        AV=$("$PLAYBOOK" --version | head -1)
    fi
fi

echo "## runbook overhead $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), state dir ${STATE_DIR:-$WORK/state}"
echo "marginal step, $N vs $SMALL steps, median of $RUNS"
echo "runbook per step:        $RB ms"
echo "sh -c true per step:     $SH ms"
echo "ratio runbook/shell:     $(echo "scale=2; $RB / $SH" | bc)x   (aim <= 1.5x)"
if [ -n "$AB" ]; then
    echo "ansible per task:        $AB ms  ($AV; $AN vs $ASMALL tasks, median of $ANSIBLE_RUNS)"
    echo "ratio ansible/runbook:   $(echo "scale=1; $AB / $RB" | bc)x faster   (aim >= 250x)"
else
    echo "ansible-core:            not available"
fi
