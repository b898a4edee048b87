"""Validating what is published against the OCDS 1.1.5 schemas and codelists, offline.

The schemas are the unmodified copies in ``<repository>/../shared/ocds-1.1.5`` (or the
folder named by ``CIVIC_OCDS_SCHEMA_DIR``). The packages refer to the release schema by
its canonical URL; a ``referencing.Registry`` resolves that URL to the local file, so
validation never touches the network.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from infra.settings import PROJECT_ROOT

RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"

#: values added to open codelists, documented in docs/open-data.md: NIGP commodity codes
#: are what US public buyers classify with, and the codelist has no entry for them.
OPEN_CODELIST_ADDITIONS = {"itemClassificationScheme.csv": frozenset({"NIGP"})}


def schema_dir() -> Path:
    configured = os.environ.get("CIVIC_OCDS_SCHEMA_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "ocds-1.1.5"


def _load(name: str) -> dict[str, Any]:
    return json.loads((schema_dir() / name).read_text())


# The formats OCDS uses, checked without optional packages: RFC 3339 date-times (with an
# offset) and absolute URIs.
FORMATS = FormatChecker(["email", "ipv4", "ipv6", "regex"])


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        return False
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).tzinfo is not None


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value


@cache
def _validators() -> dict[str, Draft4Validator]:
    release_schema = _load("release-schema.json")
    registry = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    return {
        name: Draft4Validator(
            _load(f"{name}-schema.json"), registry=registry, format_checker=FORMATS
        )
        for name in ("release-package", "record-package", "release")
    }


@cache
def codelist(filename: str) -> frozenset[str]:
    with (schema_dir() / "codelists" / filename).open(newline="") as fh:
        return frozenset(row["Code"] for row in csv.DictReader(fh))


def schema_errors(package: dict[str, Any]) -> list[str]:
    """Schema violations of a release or record package (empty when valid)."""
    validator = _validators()["record-package" if "records" in package else "release-package"]
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(package)
    ]


def codelist_errors(package: dict[str, Any]) -> list[str]:
    """Codelist values of a package that are not in their codelist CSV.

    Walks each release alongside the release schema, so every field the schema ties to a
    codelist (closed or open) is checked wherever it occurs.
    """
    definitions = _load("release-schema.json")
    releases: list[dict[str, Any]] = list(package.get("releases", []))
    for rec in package.get("records", []):
        releases.extend(r for r in rec.get("releases", []) if "ocid" in r)
        if "compiledRelease" in rec:
            releases.append(rec["compiledRelease"])
    errors: list[str] = []
    for release in releases:
        for path, filename, code in _coded(
            release, definitions, definitions, release.get("id", "?")
        ):
            allowed = codelist(filename) | OPEN_CODELIST_ADDITIONS.get(filename, frozenset())
            if code not in allowed:
                errors.append(f"{path}: {code!r} is not in {filename}")
    return errors


def _coded(
    data: Any, node: dict[str, Any], root: dict[str, Any], path: str
) -> Iterator[tuple[str, str, str]]:
    while "$ref" in node:
        node = root["definitions"][node["$ref"].rsplit("/", 1)[1]]
    if "codelist" in node and data is not None:
        for code in data if isinstance(data, list) else [data]:
            yield path, node["codelist"], code
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in node.get("properties", {}):
                yield from _coded(value, node["properties"][key], root, f"{path}/{key}")
    elif isinstance(data, list) and "items" in node:
        for i, value in enumerate(data):
            yield from _coded(value, node["items"], root, f"{path}/{i}")


def problems(package: dict[str, Any]) -> list[str]:
    """Everything wrong with a package: schema violations, then codelist values."""
    return schema_errors(package) + codelist_errors(package)
