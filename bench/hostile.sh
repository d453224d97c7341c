#!/bin/sh
# Times `runbook` on the hostile inputs of issue 13 (generated here) and writes the results to
# docs/performance.md, "## Hostile inputs". Each must finish under 1 s, within 1 GiB, with
# exit 0 (accepted) or 2 (refused with a positioned message), never a signal.
#
#   bench/hostile.sh              build release, measure, rewrite the section
#   SKIP_BUILD=1 bench/hostile.sh reuse .build/release/runbook
#   RUNS=5 bench/hostile.sh       runs per case (median CPU kept; default 3)
set -eu
. "$(dirname "$0")/lib.sh"

python3 - "$WORK" "$BIN" "${RUNS:-3}" <<'PY'
import os, re, statistics, subprocess, sys

work, runbook, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = os.path.join("docs", "performance.md")

def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path

step = "runbook: x\nparams:\n  x: {type: string, default: a}\nsteps:\n  - id: a\n    run: echo\n"
plan_rb = write("on-g.yaml", "runbook: x\nsteps:\n  - id: a\n    run: echo\n    on: g\n")
def chain(expr):
    return write("chain.yaml", step + "    when: ${{ " + expr + " }}\n")
cases = [
    ("YAML mapping of 40,000 keys (then refused: `env` is no step key)", ["validate", write("keys.yaml", step + "    env:\n" + "".join(f"      K{i}: v\n" for i in range(40000)))]),
    ("20,000 `${{ }}` in one value", ["validate", write("t20.yaml", step.replace("run: echo", "run: echo " + " ".join(["${{ params.x }}"] * 20000)))]),
    ("40,000 `${{ }}` in one value", ["validate", write("t40.yaml", step.replace("run: echo", "run: echo " + " ".join(["${{ params.x }}"] * 40000)))]),
    ("`when:` of 9,000 `&&` terms", ["validate", chain(" && ".join(["true"] * 9000))]),
    ("`x[0][0]…` 9,000 deep", ["validate", chain("params.x" + "[0]" * 9000)]),
    ("`1==1==…` 9,000 terms", ["validate", chain("1" + " == 1" * 9000)]),
    ("inventory `n[0:99999999]`", ["plan", plan_rb, "--inventory", write("range.ini", "[g]\nn[0:99999999]\n")]),
    ("inventory: 40-layer diamond of children", ["plan", plan_rb, "--inventory", write("diamond.ini", "[l40a]\nleaf1\n[l40b]\nleaf2\n[g:children]\nl0a\n" + "".join(f"[l{i}{s}:children]\nl{i+1}a\nl{i+1}b\n" for i in range(40) for s in "ab"))]),
    ("inventory: 20,000 hosts", ["plan", plan_rb, "--inventory", write("hosts.ini", "[g]\n" + "".join(f"host{i}.example.com ansible_port={2000 + i % 1000} idx={i}\n" for i in range(20000)))]),
]

rows = []
for name, args in cases:
    cpus, rss, codes = [], 0, set()
    for _ in range(runs):
        p = subprocess.Popen([runbook] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss = max(rss, usage.ru_maxrss)
        codes.add(os.waitstatus_to_exitcode(status))
    lines = len(err.decode(errors="replace").splitlines())
    rows.append(f"| {name} | {statistics.median(cpus):.2f} s | {rss // 1024} MiB | {','.join(map(str, sorted(codes)))} | {lines} |")
    print(rows[-1])

section = ("## Hostile inputs\n\n"
           "`bench/hostile.sh` (release build; median CPU of the child over " + str(runs) + " runs, peak RSS, exit\n"
           "code, lines of stderr). The aim of issue 13: each under 1 s and 1 GiB, exit 0 or 2, one screen.\n\n"
           "| input | CPU | peak RSS | exit | stderr lines |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n")
text = open(doc).read()
if "## Hostile inputs" in text:
    text = re.sub(r"## Hostile inputs\n.*?(?=\n## |\Z)", section.rstrip("\n") + "\n", text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
open(doc, "w").write(text)
PY
