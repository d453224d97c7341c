#!/bin/sh
# Per-step latency of N `true` commands over ssh, with and without connection multiplexing,
# against a throwaway sshd on 127.0.0.1 (the same harness as the SSH tests, user runbook-test,
# whose login shell is /bin/sh so no rc file adds time).
#
#   bench/ssh.sh [N]        (default N=50; needs openssh-server: scripts/install-deps --test)
#
# Two measurements:
#   1. raw ssh: the exact ssh options SSHTransport uses, timed by the shell (baseline);
#   2. SSHTransport itself (process launch, remote wrapper, output scanning), timed inside a
#      Swift Testing benchmark that is disabled unless RUNBOOK_BENCH_SSH is set.
# The first command of the multiplexed series opens the master connection and is reported
# separately ("first"); the others reuse it.
set -eu
N=${1:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -x /usr/sbin/sshd ] || { echo "bench/ssh.sh: /usr/sbin/sshd missing; run scripts/install-deps --test" >&2; exit 1; }

D=$(mktemp -d "${TMPDIR:-/tmp}/runbook-bench-ssh-XXXXXX")
SSHD_PID=
cleanup() {
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    rm -rf "$D"
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

cd "$ROOT"
swift build --build-tests >/dev/null
RUNBOOK_BENCH_SSH=$N RUNBOOK_BENCH_OUT="$D/transport.txt" \
    swift test --skip-build --filter SSHLatencyBenchmark >"$D/swift-test.log" 2>&1 \
    || { cat "$D/swift-test.log" >&2; exit 1; }
cat "$D/transport.txt"
# The ratio of issue 15: SSHTransport multiplexed against raw ssh multiplexed (means of N-1).
raw=$(sed -n 's/^raw ssh   multiplexed .*mean=\([0-9.]*\)ms.*/\1/p' "$D/raw.txt")
tr=$(sed -n 's/^transport multiplexed .*mean=\([0-9.]*\)ms.*/\1/p' "$D/transport.txt")
[ -n "$raw" ] && [ -n "$tr" ] && awk -v r="$raw" -v t="$tr" \
    'BEGIN { printf "ratio transport/raw ssh, multiplexed: %.2fx   (aim <= 1.5x)\n", t / r }'
