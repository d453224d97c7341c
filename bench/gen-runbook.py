#!/usr/bin/env python3
"""Writes a runbook with N steps (every third one with a template, a retry and a check) to stdout."""
import sys

n = int(sys.argv[1])
out = ["runbook: bench", "title: Generated for bench/parse.sh", "params:",
       "  node: { type: string, default: node-1, pattern: '^[a-z0-9.-]+$' }", "steps:"]
for i in range(n):
    if i % 3 == 0:
        out += [f"  - id: step-{i}", f"    title: Step {i}", f"    run: oc adm drain ${{{{ params.node }}}} --timeout={i}s",
                "    timeout: 10m", "    retries: { attempts: 3, delay: 10s }",
                f"    rollback: oc adm manage-node ${{{{ params.node }}}} --schedulable=true"]
    elif i % 3 == 1:
        out += [f"  - id: step-{i}", "    check:", "      run: oc get nodes -o json",
                "      expect: { stdout_matches: 'Ready', json: { path: '$.items[0].status', equals: Ready } }"]
    else:
        out += [f"  - id: step-{i}", f"    needs: [step-{i - 1}]", "    wait:", "      run: oc get pods",
                "      expect: { stdout_not_matches: Running }", "      timeout: 5m", "      interval: 5s"]
print("\n".join(out))
