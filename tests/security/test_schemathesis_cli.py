"""The schemathesis command line, as an outside tester runs it, against a real server
process: every phase (examples, coverage, fuzzing, stateful), a fixed seed, as each
caller (admin, buyer, vendor, finance, auditor and no token), every check but positive
data acceptance (see ``CHECKS``). Zero server errors, zero undocumented status codes,
content types, headers or bodies, zero schema-violating requests accepted, no resource
readable after its deletion, no operation that ignores authentication or a required
header, no undocumented method.

The default suite runs a slice: each caller takes every sixth operation (in path order),
so the six callers cover every operation once. The full run, every caller over every
operation, is slow:

    make test-slow PYTEST_ARGS="tests/security/test_schemathesis_cli.py"
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import callers_for

SEED = 7
CALLERS = ("admin", "buyer", "vendor", "finance", "auditor", "anonymous")
# Every check but one: ``positive_data_acceptance`` expects every schema-valid request to
# be accepted, and some rules no OpenAPI schema can state (a window's end after its start,
# a cursor the server issued, an EIN's digits, a CSV's columns) refuse schema-valid input
# by design, with 422 naming the field. ``negative_data_rejection``, its mirror, is kept:
# whatever the schema forbids is refused.
CHECKS = "all"
EXCLUDED = "positive_data_acceptance"


def _paths(base_url: str) -> list[str]:
    return sorted(httpx.get(f"{base_url}/schema/openapi.json", timeout=30).json()["paths"])


def _run(base_url: str, headers: dict[str, str], paths: list[str] | None, report: Path) -> str:
    command = [str(Path(sys.executable).parent / "schemathesis"), "--no-color", "run",
               f"{base_url}/schema/openapi.json", "--seed", str(SEED),
               "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "1",
               "--checks", CHECKS, "--exclude-checks", EXCLUDED, "--report", "junit", "--report-junit-path", str(report),
               "--request-timeout", "30"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if paths is not None:
        command += ["--include-path-regex", "^(" + "|".join(re.escape(p) for p in paths) + ")$"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=report.parent)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return done.stdout


def _figures(output: str) -> str:
    found = re.search(r"(\d+) generated", output)
    return f"{found.group(1) if found else '?'} cases"


@pytest.mark.parametrize("caller", CALLERS)
def test_a_fixed_seed_slice_per_caller_has_no_server_error_or_undocumented_answer(
        api_server, tmp_path, caller):
    paths = _paths(api_server.base_url)
    mine = paths[CALLERS.index(caller)::len(CALLERS)]
    headers = callers_for(api_server.settings)[caller]
    output = _run(api_server.base_url, headers, mine, tmp_path / "junit.xml")
    print(f"{caller}: {len(mine)} paths, {_figures(output)}")


@pytest.mark.slow
@pytest.mark.parametrize("caller", CALLERS)
def test_every_caller_over_every_operation(api_server, tmp_path, caller):
    headers = callers_for(api_server.settings)[caller]
    output = _run(api_server.base_url, headers, None, tmp_path / "junit.xml")
    print(f"{caller}: every operation, {_figures(output)}")
