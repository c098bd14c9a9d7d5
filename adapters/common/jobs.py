"""Shared bits of topic handlers: the BSN input type, the business key, error translation."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated

from pydantic import AfterValidator

from adapters.common.errors import PartnerError, as_job_error
from adapters.registry import JobContext, PermanentError
from orchestrator.domain.bsn import is_valid_bsn


def _elfproef(value: str) -> str:
    if not is_valid_bsn(value):
        # pydantic reports the field name; the value never appears in our message
        raise ValueError("not a valid BSN (elfproef)")
    return value


#: a job variable holding a BSN: nine digits passing the elfproef
BsnVariable = Annotated[str, AfterValidator(_elfproef)]


def business_key(ctx: JobContext) -> str:
    """The journey's business key (dossier / zaak identificatie).

    Raises:
        PermanentError: the instance has none (start it with a business key).
    """
    if not ctx.business_key:
        raise PermanentError(f"topic {ctx.topic} needs a process instance with a business key")
    return ctx.business_key


@contextmanager
def partner_errors(business_codes: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn partner failures inside the block into job errors.

    Args:
        business_codes: partner error code -> BPMN error code, for the refusals the
            process models; other refusals become incidents, unavailability retries.
    """
    try:
        yield
    except PartnerError as exc:
        raise as_job_error(exc, business_codes) from exc
