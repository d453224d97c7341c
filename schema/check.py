#!/usr/bin/env python3
"""Checks schema/runbook.schema.json against the repository's runbooks and invalid fixtures.

(a) Every runbooks/*.yaml, examples/**/*.yaml and Tests/Fixtures/valid/*.yaml with a top-level
    `runbook:` key must satisfy the schema.
    Rehearsal scenarios (`*.test.yaml`) are checked against schema/scenario.schema.json instead.
(b) The schema must reject each invalid fixture listed in SCHEMA_REJECTS (the mistakes a schema
    can see: unknown keys, wrong types, missing keys, two actions ...). The others need the
    loader (YAML syntax, duplicate keys, expressions, regex syntax, param references).

Exit status 1 on any mismatch. Needs `jsonschema` and PyYAML.
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCHEMA_REJECTS = [
    "01-unknown-top-level-key", "02-unknown-step-key", "03-unknown-param-key", "04-unknown-expect-key",
    "05-unknown-edit-change", "06-unknown-key-no-suggestion", "07-bad-duration-word", "08-duration-without-unit",
    "12-no-action", "13-two-actions", "17-yes-no-booleans", "18-version-too-high", "19-missing-runbook-key", "20-missing-steps",
    "21-empty-steps", "22-bad-step-id", "23-bad-runbook-name", "24-bad-param-name", "25-default-wrong-type",
    "27-with-without-use", "28-rollback-item-shape", "29-capture-bad-source", "30-retries-zero-attempts",
    "35-top-level-list", "38-unknown-type", "39-wait-without-timeout", "40-verify-on-check",
    "41-on-failure-unknown", "42-max-parallel-zero", "43-json-expect-two-tests", "45-required-with-default",
    "49-quoted-int", "50-steps-not-a-list", "52-many-errors-one-pass", "54-use-absolute-path",
    "55-archive-missing-to", "60-wrong-types",
]

BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(BaseLoader):
    """YAML 1.2 booleans: only true/false. PyYAML's 1.1 rules would read the key `on:` as True."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def load(path):
    with open(path, "rb") as f:
        data = yaml.load(f, Loader=Loader)
    # YAML dates and the like become strings, as JSON has no such types.
    return json.loads(json.dumps(data, default=str))


def main():
    with open(os.path.join(ROOT, "schema", "runbook.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []

    candidates = sorted(set(
        glob.glob(os.path.join(ROOT, "runbooks", "*.yaml"))
        + glob.glob(os.path.join(ROOT, "examples", "**", "*.yaml"), recursive=True)
        + glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "valid", "*.yaml"))))
    with open(os.path.join(ROOT, "schema", "scenario.schema.json")) as f:
        scenario_schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(scenario_schema)
    scenario_validator = jsonschema.Draft202012Validator(scenario_schema)
    scenarios = sorted(set(
        glob.glob(os.path.join(ROOT, "runbooks", "**", "*.test.yaml"), recursive=True)
        + glob.glob(os.path.join(ROOT, "examples", "**", "*.test.yaml"), recursive=True)))
    for path in scenarios:
        rel = os.path.relpath(path, ROOT)
        for e in sorted(scenario_validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))[:5]:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            failures.append(f"{rel}: {where}: {e.message[:200]}")

    valid = 0
    for path in candidates:
        rel = os.path.relpath(path, ROOT)
        if path.endswith(".test.yaml"):
            continue
        try:
            doc = load(path)
        except yaml.YAMLError as e:
            failures.append(f"{rel}: not YAML: {e}")
            continue
        if not isinstance(doc, dict) or "runbook" not in doc:
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            for e in errors[:5]:
                where = "/".join(str(p) for p in e.absolute_path) or "(top)"
                failures.append(f"{rel}: {where}: {e.message[:200]}")
        else:
            valid += 1

    rejected = 0
    for name in SCHEMA_REJECTS:
        path = os.path.join(ROOT, "Tests", "Fixtures", "invalid", name + ".yaml")
        rel = os.path.relpath(path, ROOT)
        if not os.path.exists(path):
            failures.append(f"{rel}: listed in SCHEMA_REJECTS but missing")
            continue
        if validator.is_valid(load(path)):
            failures.append(f"{rel}: the schema accepts it, but the loader rejects it")
        else:
            rejected += 1

    for line in failures:
        print(line, file=sys.stderr)
    print(f"schema: {valid} valid, {rejected} rejected as expected, {len(scenarios)} scenarios"
          + (f", {len(failures)} mismatches" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
