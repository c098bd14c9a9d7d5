"""Schemathesis over the published ``openapi.json`` against a live server: no 5xx, and
every response conforms to the schema (problem+json included).

Driven with hypothesis directly (one test, every operation in turn) rather than through
schemathesis' pytest plugin, which does not support the pytest version we run.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.conftest import TOKEN

EXAMPLES_PER_OPERATION = 15


@pytest.mark.slow
def test_api_conforms_to_its_schema(live_api):
    schema = schemathesis.openapi.from_url(f"{live_api}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: list[str] = []
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            calls.append(1)
            case.call_and_validate(
                headers={"Authorization": f"Bearer {TOKEN}"},
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            check()
        except Exception as error:  # collect every operation's failure, then report
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
    assert len(calls) >= 5 * len(operations)
