#!/bin/sh
# Times `runbook validate` against a libyaml-only parse of the same generated runbooks
# (1,000 / 5,000 / 10,000 / 50,000 steps) and writes the results to docs/performance.md, "## Parsing":
# the CPU-time ratio to a libyaml event pull and the peak memory (RSS) of each, from the same runs.
#
#   bench/parse.sh              build release, measure, rewrite the section
#   SKIP_BUILD=1 bench/parse.sh reuse .build/release/runbook
#   RUNS=9 bench/parse.sh       more runs per measurement (median is kept; default 5)
#
# Baselines: a C program that pulls every libyaml event and discards it (the floor for any
# libyaml-based loader), and PyYAML's CSafeLoader (libyaml plus building Python objects).
# CPU time (user + sys) of the child is compared, not wall time: the build machines are shared.
set -eu
. "$(dirname "$0")/lib.sh"
cc -O2 -o "$WORK/libyaml-events" bench/libyaml-events.c -lyaml

for n in 1000 5000 10000 50000; do
    python3 bench/gen-runbook.py "$n" >"$WORK/steps-$n.yaml"
done

python3 - "$WORK" "$BIN" "${RUNS:-5}" <<'PY'
import os, platform, re, statistics, subprocess, sys, time

work, runbook, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rssfile = os.path.join(work, "rss")
doc = os.path.join("docs", "performance.md")

def cpu(argv):
    """Median user+sys CPU seconds, wall seconds and peak RSS (bytes) of `argv` over `runs` runs."""
    cpus, walls, rss = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        # Peak RSS from /usr/bin/time: a child forked from this Python process would report
        # Python's own memory as its peak (the high-water mark survives exec).
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rssfile] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(argv)} failed: {p.stderr.read().decode()}")
        p.stderr.close()
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss.append(int(open(rssfile).read().split()[-1]) * 1024)
    return statistics.median(cpus), statistics.median(walls), statistics.median(rss)

pyload = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
rows = []
# The runtime's own footprint (Swift runtime, Foundation, argument parsing), to subtract from validate's peak.
base = cpu([runbook, "--version"])
for n in (1000, 5000, 10000, 50000):
    f = os.path.join(work, f"steps-{n}.yaml")
    size = os.path.getsize(f)
    rb = cpu([runbook, "validate", f])
    ev = cpu([os.path.join(work, "libyaml-events"), f])
    py = cpu([sys.executable, "-c", pyload, f])
    rows.append((n, size, rb, ev, py))
    print(f"{n} steps: runbook {rb[0]:.3f}s, libyaml events {ev[0]:.3f}s, CSafeLoader {py[0]:.3f}s (CPU); "
          f"ratio {rb[0] / max(ev[0], 1e-3):.1f}x; peak RSS runbook {rb[2] / 2**20:.1f} MiB "
          f"({(rb[2] - base[2]) / size:.1f}x the file over the {base[2] / 2**20:.1f} MiB of `runbook --version`), "
          f"libyaml events {ev[2] / 2**20:.1f} MiB")

per_step = [r[2][0] / r[0] * 1e6 for r in rows]
marginal = [(rows[i + 1][2][0] - rows[i][2][0]) / (rows[i + 1][0] - rows[i][0]) * 1e6 for i in range(len(rows) - 1)]
memory = [(r[2][2] - base[2]) / r[1] for r in rows]
ratios = [r[2][0] / max(r[3][0], 1e-3) for r in rows]
py_ratios = [r[4][0] / r[2][0] for r in rows]
lines = [
    "## Parsing",
    "",
    "`bench/parse.sh` generates runbooks of 1,000, 5,000, 10,000 and 50,000 steps (a third each `run` with",
    "templates, retries and rollback; `check` with `expect`; `wait`), then times `runbook validate`",
    "(release build: YAML -> Node tree -> Runbook with every check) against two libyaml-only",
    f"parses of the same file. Median CPU time (user + sys) of {runs} runs; wall time in brackets (the",
    "machine is shared, so wall time is noisy).",
    "",
    f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} Linux, {os.cpu_count()} cores.",
    "",
    "| steps | file | runbook validate | libyaml events (C) | ratio | PyYAML CSafeLoader | ratio | peak RSS: validate | over runtime ÷ file | libyaml events |",
    "|------:|-----:|-----------------:|-------------------:|------:|-------------------:|------:|------:|------:|------:|",
]
for (n, size, rb, ev, py), m in zip(rows, memory):
    lines.append(f"| {n:,} | {size / 1e6:.1f} MB | {rb[0]:.3f} s ({rb[1]:.3f}) | {ev[0]:.3f} s ({ev[1]:.3f}) "
                 f"| {rb[0] / max(ev[0], 1e-3):.1f}x | {py[0]:.3f} s ({py[1]:.3f}) | {rb[0] / py[0]:.2f}x "
                 f"| {rb[2] / 2**20:.1f} MiB | {m:.1f}x | {ev[2] / 2**20:.1f} MiB |")
lines += [
    "",
    # Marginal cost per step (between sizes), so the fixed start-up cost (~20 ms) does not read as non-linearity.
    f"Peak memory: `runbook --version` alone peaks at {base[2] / 2**20:.1f} MiB (the runtime); validate's peak above that is "
    f"{min(memory):.1f}-{max(memory):.1f}x the file's size (aim: at most 4x, so "
    + ("met)." if max(memory) <= 4 else "NOT met)."),
    "",
    f"Cost per added step: {marginal[0]:.1f} µs from 1k to 5k, {marginal[1]:.1f} µs from 5k to 10k, {marginal[2]:.1f} µs from 10k to 50k steps "
    f"({'linear' if max(marginal) <= 1.5 * min(marginal) else 'NOT linear'}: within {max(marginal) / min(marginal):.2f}x). "
    f"Per step including start-up: {', '.join(f'{p:.1f}' for p in per_step)} µs.",
    "",
    f"Against the aim of at most 2x a libyaml-only parse: `runbook validate` is {min(ratios):.1f}-{max(ratios):.1f}x the C",
    "event pull (which allocates nothing and checks nothing), so the aim is "
    + ("met." if max(ratios) <= 2 else "NOT met;") + " it is",
    f"{min(py_ratios):.0f}-{max(py_ratios):.0f}x faster than CSafeLoader (which builds objects but checks nothing).",
    "",
    "What was fixed (profiled with `perf record` on the release build; valgrind's callgrind gives up on",
    "this binary's debug info and `perf stat` has no instruction counter on this machine, so there are",
    "no instruction counts). Once `validate` also ran the step-graph checks it was cubic in the number",
    "of steps: before (main at bc95fb8) 4.1 s CPU at 1,000 steps, 356 s at 5,000, 10,000 not finished;",
    "after, the table above. `CycleFinder` searched for a cycle from every step, each search walking the whole",
    "chain behind it recursively and copying its path at every level (also a recursion depth of one frame",
    "per step); it now searches only from the steps Kahn's algorithm cannot order, which are none in an",
    "acyclic runbook, and that skips no cycle (a step it can order is on no cycle). `StepGraph` took each",
    "next step by scanning all steps and removed it from every other step's set while iterating a copy",
    "of the dictionary; it now keeps a count of unmet dependencies and a min-heap of ready list",
    "positions (`ReadyQueue`), and groups levels in one pass. Each `steps.<id>` reference looked the",
    "step up by scanning (and copying) the steps and asked for the full ancestor set of the referring",
    "step: 10,000 steps that each refer to the first one took 15.7 s with a search per reference, and",
    "2.3 s after that with the scan alone; now an index by id and `Ancestry` (per-step bit sets of",
    "ancestors, built once and only when such a reference exists: steps²/8 bytes, 12.5 MB at 10,000",
    "steps) bring that file to 0.25 s. A runbook that is one 20,000-step cycle took 12.9 s (the path",
    "was copied at every level of the search, each note looked its step up by scanning); now 0.36 s.",
    "The order, levels, cycles and every message are unchanged",
    "(fixtures and planner tests; Tests/RunbookKitTests/Performance/LargeGraphTests.swift).",
    "",
    "Earlier fixes: sequences and mappings are built in place, templates and expressions are scanned as",
    "UTF-8 bytes, each distinct regular expression is compiled once, small mappings are searched without",
    "hashing, a location is three integers with one shared file table (no String per node), each mapping",
    "key's duplicate-check identity is computed once, and the step graph and checker read step ids without",
    "copying whole steps. Round 6 (under \"Parsing profile\" below) made the whole document one `NodeTree`:",
    "a record per node in one array, children as index runs, scalar text as byte runs decoded when read.",
    "Round 7 made the step graph work on list positions instead of dictionaries keyed by id, and moved",
    "a step's non-`run` action and its `verify` out of line. What remains is spread thin (see \"Parsing",
    "profile\" below): libyaml itself, the decoder's real per-step work (templates, shell contexts, key",
    "checks, conditions), the step graph, malloc/free and page faults of the model, and the process's",
    "start-up and exit.",
    "",
]
section = "\n".join(lines)
text = open(doc).read() if os.path.exists(doc) else "# Performance\n\nNumbers measured on this project's machines; each section says how to reproduce it.\n\n"
if "## Parsing" in text:
    text = re.sub(r"## Parsing\n.*?(?=\n## |\Z)", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(doc, "w").write(text.rstrip("\n") + "\n")
print(f"wrote {doc}")
PY
