#!/bin/sh
# Per-step latency of `true` over ssh, multiplexed, against a throwaway sshd on 127.0.0.1 (the
# same harness as the SSH tests, user runbook-test, whose login shell is /bin/sh so no rc file
# adds time).
#
#   bench/ssh.sh [N]        (default N=50; needs openssh-server: scripts/install-deps --test)
#
# Measurements, all whole processes timed by the shell:
#   1. raw ssh: the exact ssh options SSHTransport uses, N times in a loop, multiplexed and
#      direct (the first multiplexed command opens the master and is reported apart);
#   2. `runbook run` of the RELEASE build (built first unless SKIP_BUILD=1 or RUNBOOK is set):
#      a runbook of N `run: "true"` steps on the loopback host against one of N/10 steps, so
#      start-up and the master connection cancel out and the marginal cost of one step is left
#      (journal fsynced as usual, in a state directory under $TMPDIR).
# The ratio of issue 15 is (2) over the multiplexed mean of (1).
set -eu
N=${1:-50}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
[ -x /usr/sbin/sshd ] || { echo "bench/ssh.sh: /usr/sbin/sshd missing; run scripts/install-deps --test" >&2; exit 1; }

D=$(mktemp -d "${TMPDIR:-/tmp}/runbook-bench-ssh-XXXXXX")
SSHD_PID=
cleanup() {
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    rm -rf "$D" "$WORK"
}
trap cleanup EXIT INT TERM
chmod 755 "$D"
id -u runbook-test >/dev/null 2>&1 || useradd -m -s /bin/sh -p '*' runbook-test
ssh-keygen -q -t ed25519 -N '' -f "$D/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$D/user_key"
cp "$D/user_key.pub" "$D/authorized_keys"
mkdir -p /run/sshd
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000)))
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$D/host_key.pub")" > "$D/known_hosts"
cat > "$D/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $D/host_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
PasswordAuthentication no
UsePAM no
StrictModes no
UseDNS no
MaxStartups 100
CONF
/usr/sbin/sshd -f "$D/sshd_config" -D -e 2>"$D/sshd.log" &
SSHD_PID=$!
i=0
until ssh-keyscan -p "$PORT" 127.0.0.1 >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$D/sshd.log" >&2; exit 1; }; sleep 0.05
done

mkdir -m 700 "$D/cm"
BASE="-T -o BatchMode=yes -p $PORT -l runbook-test -i $D/user_key -F /dev/null -o UserKnownHostsFile=$D/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o LogLevel=ERROR"
MUX="-o ControlMaster=auto -o ControlPath=$D/cm/cm-%C -o ControlPersist=60"

now_ms() { date +%s%3N; }
series() { # series LABEL EXTRA-OPTIONS
    first_start=$(now_ms)
    # shellcheck disable=SC2086
    ssh $BASE $2 -- 127.0.0.1 true
    first_end=$(now_ms)
    start=$(now_ms); k=1
    while [ $k -lt "$N" ]; do
        # shellcheck disable=SC2086
        ssh $BASE $2 -- 127.0.0.1 true
        k=$((k + 1))
    done
    end=$(now_ms)
    awk -v l="$1" -v n="$N" -v f=$((first_end - first_start)) -v t=$((end - start)) \
        'BEGIN { printf "raw ssh   %s n=%d first=%.1fms mean=%.1fms\n", l, n, f, t / (n - 1) }'
}
echo "## ssh per-step latency, N=$N, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(ssh -V 2>&1)"
series multiplexed "$MUX" | tee "$D/raw.txt"
series direct "" | tee -a "$D/raw.txt"

SMALL=$((N / 10)); [ "$SMALL" -ge 1 ] || SMALL=1
cat > "$D/hosts.yaml" <<YAML
all:
  hosts:
    loop:
      ansible_host: 127.0.0.1
      ansible_port: $PORT
      ansible_user: runbook-test
      ansible_ssh_private_key_file: $D/user_key
      ssh_options: ["-F", "/dev/null", "-o", "UserKnownHostsFile=$D/known_hosts", "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"]
YAML
runbook_file() { # runbook_file STEPS
    echo "runbook: ssh-overhead"
    echo "steps:"
    i=1
    while [ $i -le "$1" ]; do printf '  - id: s%d\n    on: loop\n    run: "true"\n' "$i"; i=$((i + 1)); done
}
now_ns() { date +%s%N; }
time_runbook() { # time_runbook STEPS -> ns
    [ -f "$D/rb$1.yaml" ] || runbook_file "$1" > "$D/rb$1.yaml"
    t0=$(now_ns)
    TMPDIR=$D "$BIN" run "$D/rb$1.yaml" --inventory "$D/hosts.yaml" --yes --state-dir "$D/state" \
        --output json > "$D/run.jsonl"
    t1=$(now_ns)
    grep -q '"exitCode":0' "$D/run.jsonl" || { echo "runbook run failed" >&2; tail -3 "$D/run.jsonl" >&2; exit 1; }
    echo $((t1 - t0))
}
time_runbook "$SMALL" >/dev/null   # opens the master connection (ControlPersist=60)
big=$(time_runbook "$N"); small=$(time_runbook "$SMALL")
awk -v n="$N" -v s="$SMALL" -v b="$big" -v m="$small" \
    'BEGIN { printf "runbook   multiplexed %d vs %d steps, release build: %.1fms a step (marginal)\n", n, s, (b - m) / 1000000 / (n - s) }' \
    | tee "$D/transport.txt"
raw=$(sed -n 's/^raw ssh   multiplexed .*mean=\([0-9.]*\)ms.*/\1/p' "$D/raw.txt")
tr=$(sed -n 's/^runbook   multiplexed .*: \([0-9.]*\)ms a step.*/\1/p' "$D/transport.txt")
echo "load $(cut -d' ' -f1 /proc/loadavg)"
[ -n "$raw" ] && [ -n "$tr" ] && awk -v r="$raw" -v t="$tr" \
    'BEGIN { printf "ratio runbook/raw ssh, multiplexed: %.2fx   (aim <= 1.5x)\n", t / r }'
