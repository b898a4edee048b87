"""Release and record packages: the envelopes OCDS publishes releases in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.ocds.merge import compile_releases
from projections.ocds.organisations import CLASSIFICATION_EXTENSION, SCALE_EXTENSION

VERSION = "1.1"
PUBLISHER = {"name": "Civic Marketplace"}
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
EXTENSIONS = [SCALE_EXTENSION, CLASSIFICATION_EXTENSION]


def _envelope(uri: str, published: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": list(EXTENSIONS),
        "publisher": dict(PUBLISHER),
        "license": LICENSE,
        "publishedDate": published,
    }


def release_package(
    uri: str, releases: Sequence[dict[str, Any]], *, next_uri: str | None = None
) -> dict[str, Any]:
    """A package of one or more releases, dated by its newest release (on-demand packages
    are dated by their contents, so the same releases always make the same package)."""
    if not releases:
        raise ValueError("a release package holds at least one release")
    package = {**_envelope(uri, max(r["date"] for r in releases)), "releases": list(releases)}
    if next_uri:
        package["links"] = {"next": next_uri}
    return package


def record(ocid: str, releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"ocid": ocid, "releases": list(releases), "compiledRelease": compile_releases(releases)}


def record_package(
    uri: str, records: Sequence[dict[str, Any]], *, next_uri: str | None = None
) -> dict[str, Any]:
    if not records:
        raise ValueError("a record package holds at least one record")
    package = {
        **_envelope(uri, max(r["compiledRelease"]["date"] for r in records)),
        "records": list(records),
    }
    if next_uri:
        package["links"] = {"next": next_uri}
    return package
