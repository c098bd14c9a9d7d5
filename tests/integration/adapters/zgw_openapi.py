"""Validate requests against the VNG Zaken API 1.5.1 OpenAPI document (a copy in tests/fixtures/specs).

OpenAPI 3.0 schemas are not quite JSON Schema; for *requests* we convert them:
``nullable`` becomes a union with null, ``readOnly`` properties are dropped from
``required`` and forbidden (a client must not send them), and a ``discriminator`` picks the
subschema (a rol for a natuurlijk_persoon is checked against ``natuurlijk_persoon_Rol``).
Required header parameters (``Accept-Crs``, ``Content-Crs``...) must be present with an
allowed value, query parameters must be declared, the body must fit the schema.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "specs" / "zaken-api-openapi.yaml"
BASE = "/zaken/api/v1"
_URN = "urn:vng:zaken-api:1.5.1"


def _for_requests(node: Any) -> Any:
    if isinstance(node, list):
        return [_for_requests(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _for_requests(v) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict):
        read_only = {
            name
            for name, schema in node["properties"].items()
            if isinstance(schema, dict) and schema.get("readOnly")
        }
        for name in read_only:
            out["properties"][name] = False
        if "required" in out:
            out["required"] = [r for r in out["required"] if r not in read_only]
    if out.pop("nullable", False):
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        elif "type" not in out:
            return {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    doc = _for_requests(copy.deepcopy(_spec()))
    return Registry().with_resource(
        _URN, Resource.from_contents(doc, default_specification=DRAFT202012)
    )


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    relative = path.removeprefix(BASE) or "/"
    for template, item in _spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "/?$"
        if re.match(pattern, relative) and method.lower() in item:
            return template, item[method.lower()]
    return None


def _schema_errors(ref: str, body: Any) -> list[str]:
    schema = _registry().contents(_URN)
    target = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    discriminator = target.get("discriminator") if isinstance(target, dict) else None
    if discriminator and isinstance(body, dict):
        chosen = discriminator["mapping"].get(body.get(discriminator["propertyName"]))
        ref = chosen or ref
    validator = Draft202012Validator(
        {"$ref": f"{_URN}{ref}"}, registry=_registry(), format_checker=FormatChecker()
    )
    return [
        f"body {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(body)
    ]


def request_errors(
    method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
) -> list[str]:
    """What is wrong with one request according to the Zaken API document (empty: valid)."""
    found = _operation(method, path)
    if found is None:
        return [f"{method} {path}: no such operation in the Zaken API"]
    template, operation = found
    errors: list[str] = []
    lower = {k.lower(): v for k, v in headers.items()}
    declared_query = set()
    for param in operation.get("parameters", []):
        if param["in"] == "header" and param.get("required"):
            value = lower.get(param["name"].lower())
            allowed = param.get("schema", {}).get("enum")
            if value is None:
                errors.append(f"header {param['name']} missing")
            elif allowed and value.split(";")[0].strip() not in allowed:
                errors.append(f"header {param['name']}={value} not in {allowed}")
        if param["in"] == "query":
            declared_query.add(param["name"])
    errors += [
        f"query parameter {name} not declared" for name in query if name not in declared_query
    ]
    if "requestBody" in operation:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        try:
            parsed = json.loads(body)
        except ValueError:
            return [*errors, "body is not JSON"]
        errors += _schema_errors(ref, parsed)
    return [f"{method} {template}: {e}" for e in errors]
