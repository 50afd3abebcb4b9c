"""Extract the part of OpenAI's OpenAPI spec that oai_notebook uses into a small JSON file.

Run: python tools/extract_spec.py ../shared/openapi/openapi.yaml
Writes oai_notebook/spec/openapi-subset.json: every operation of the tags we cover, with its
request and response schemas, and every component schema they reference.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import yaml

TAGS = {
    "Assistants", "Audio", "Batch", "Chat", "Completions", "Embeddings", "Files",
    "Fine-tuning", "Images", "Models", "Moderations", "Vector stores",
}
OUT = Path(__file__).resolve().parent.parent / "oai_notebook" / "spec" / "openapi-subset.json"


def refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def fix_nullable(node):
    """OpenAPI 3.0's `nullable: true` lingers in the spec; turn it into JSON Schema's null type."""
    if isinstance(node, dict):
        if node.pop("nullable", False):
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
                if isinstance(node.get("enum"), list) and None not in node["enum"]:
                    node["enum"].append(None)
            elif "type" not in node and "$ref" not in node:
                pass
            else:
                node_copy = dict(node)
                node.clear()
                node["anyOf"] = [node_copy, {"type": "null"}]
        for value in node.values():
            fix_nullable(value)
    elif isinstance(node, list):
        for value in node:
            fix_nullable(value)


def media_schemas(content: dict | None) -> dict:
    return {mt: body.get("schema", {}) for mt, body in (content or {}).items()}


def main(spec_path: str) -> None:
    spec = yaml.safe_load(Path(spec_path).read_text())
    operations = {}
    for path, item in spec["paths"].items():
        if "?" in path:
            continue
        for method, op in item.items():
            if method not in {"get", "post", "delete", "put", "patch"}:
                continue
            if not TAGS.intersection(op.get("tags", [])):
                continue
            responses = {
                code: media_schemas(resp.get("content"))
                for code, resp in op.get("responses", {}).items()
            }
            operations[op["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "request": media_schemas(op.get("requestBody", {}).get("content")),
                "responses": responses,
                "parameters": [p for p in op.get("parameters", []) if "name" in p],
            }
    wanted: set[str] = set()
    refs(operations, wanted)
    schemas = spec["components"]["schemas"]
    done: set[str] = set()
    while wanted - done:
        name = (wanted - done).pop()
        done.add(name)
        refs(schemas[name], wanted)
    fix_nullable(operations)
    for name in done:
        fix_nullable(schemas[name])
    subset = {
        "info": {"version": spec["info"]["version"], "source": "openai/openai-openapi (MIT)"},
        "operations": operations,
        "components": {"schemas": {name: schemas[name] for name in sorted(done)}},
    }

    def default(value):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        raise TypeError(type(value))

    OUT.write_text(json.dumps(subset, default=default, separators=(",", ":"), sort_keys=True))
    print(f"{len(operations)} operations, {len(done)} schemas -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/openapi/openapi.yaml")
