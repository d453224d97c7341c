#!/usr/bin/env python3
"""Writes a run directory with a valid hash-chained journal of N events, for bench/replay.sh.

usage: make-journal.py STATE_DIR N
The journal looks like a long run: steps on 10 hosts, each with stepStarted, attemptStarted,
attemptFinished (digests) and stepSucceeded; the last step is left in flight (crash).
"""
import hashlib, json, os, sys

state, total = sys.argv[1], int(sys.argv[2])
run_id = "20261127-200000-bench-0001"
run = os.path.join(state, "runs", run_id)
os.makedirs(os.path.join(run, "runbook"), mode=0o700, exist_ok=True)
steps = total // 4 + 1
with open(os.path.join(run, "runbook", "bench.yaml"), "w") as f:
    f.write("runbook: bench\nsteps:\n")
    for i in range(steps // 10 + 1):
        f.write(f"  - id: step-{i}\n    on: nodes\n    run: echo {i}\n")
with open(os.path.join(run, "run.json"), "w") as f:
    json.dump({"formatVersion": 1, "runId": run_id, "runbook": "bench", "file": "bench.yaml",
               "pinnedFile": "runbook/bench.yaml", "started": "2026-11-27T20:00:00.000Z",
               "operator": "bench@host"}, f)

def dumps(d):
    return json.dumps(d, separators=(",", ":"), ensure_ascii=False)

prev = "0" * 64
seq = 0
with open(os.path.join(run, "journal.jsonl"), "wb") as out:
    def emit(event, **fields):
        global prev, seq
        seq += 1
        ms = seq
        rec = {"v": 1, "seq": seq, "ts": "2026-11-27T20:%02d:%02d.%03dZ" % (ms // 60000 % 60, ms // 1000 % 60, ms % 1000),
               "run": run_id, "operator": "bench@host", "event": event}
        rec.update(fields)
        rec["prev"] = prev
        line = dumps(rec).encode()
        out.write(line + b"\n")
        prev = hashlib.sha256(line).hexdigest()
    emit("runStarted", message="bench")
    i = 0
    while seq < total:
        key, host = f"step-{i // 10}@node-{i % 10}", f"node-{i % 10}"
        cmd = f"oc adm manage-node 'node-{i % 10}' --schedulable=false # {i}"
        emit("stepStarted", step=key, host=host)
        if seq >= total: break
        emit("attemptStarted", step=key, host=host, attempt=1, command=cmd)
        if seq >= total: break
        emit("attemptFinished", step=key, host=host, attempt=1, status="exit 0", durationMs=120 + i % 50,
             stdout={"bytes": 42, "sha256": hashlib.sha256(str(i).encode()).hexdigest(), "file": f"output/{key}.1.stdout"},
             stderr={"bytes": 0, "sha256": hashlib.sha256(b"").hexdigest(), "file": f"output/{key}.1.stderr"})
        if seq >= total: break
        emit("stepSucceeded", step=key, host=host, outputs={"count": i})
        i += 1
print(run_id)
