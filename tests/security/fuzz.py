"""Schemathesis against the app's own OpenAPI schema, as each role in turn.

Every operation gets generated requests, valid (positive) and invalid (negative) ones,
with the bearer token of each role and with none. A response fails when it is a 5xx or
when its body does not match the schema the route documents for its status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass
class FuzzReport:
    cases: int = 0
    operations: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        by_class = Counter()
        for status, n in self.statuses.items():
            by_class[f"{status // 100}xx"] += n
        return (f"{self.cases} cases over {self.operations} operations; "
                f"{dict(sorted(by_class.items()))}; {len(self.failures)} failures")


def fuzz_api(base_url: str, callers: dict[str, dict[str, str]], *, examples: int, seed: int,
             modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
             rotate_callers: bool = False) -> FuzzReport:
    """Run ``examples`` generated cases per operation, caller and mode; never raises on a
    failed check but records it, so one run reports every failure. With
    ``rotate_callers`` each operation gets one caller, the next one in turn."""
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    report = FuzzReport()
    names = list(callers)
    for index, result in enumerate(schema.get_all_operations()):
        operation = result.ok()
        report.operations += 1
        chosen = [names[index % len(names)]] if rotate_callers else names
        for caller in chosen:
            for mode in modes:
                _fuzz_operation(operation, base_url, caller, callers[caller], mode, examples, seed, report)
    return report


def _fuzz_operation(operation, base_url, caller, headers, mode, examples, seed, report) -> None:
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=examples, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @hypothesis.seed(seed)
    def run(case):
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        report.cases += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - every failed check is recorded, not raised
            report.failures.append(
                f"{operation.label} as {caller} ({mode.value}): {response.status_code} "
                f"{type(exc).__name__}: {str(exc)[:300]}")

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        pass  # no invalid request exists for an operation without inputs
