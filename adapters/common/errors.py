"""Partner failures, and how they become the job errors of :mod:`adapters.registry`.

Clients raise :class:`PartnerError` subclasses (they know HTTP and SOAP, not jobs);
handlers turn them into job errors with :func:`as_job_error`, so the decision
"retry or not" is made in one place:

- the partner is unreachable, slow, overloaded or answers garbage: retry;
- the partner says no for a business reason it names: a BPMN error with that code;
- the partner rejects the request itself (4xx without a business code): an incident
  straight away, because sending the same request again cannot help.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.registry import AdapterError, BusinessError, PermanentError, RetryableError

#: nine digits in a row could be a BSN a partner echoed back: never let one into a message
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def scrub(text: str) -> str:
    """``text`` with anything that looks like a BSN masked (for errors and logs)."""
    return _NINE_DIGITS.sub("*********", text)


class PartnerError(Exception):
    """Base of what a partner client raises.

    Args:
        partner: ``gemeente``, ``uwv`` or ``sw-bedrijf``.
        message: what went wrong, without personal data.
    """

    def __init__(self, partner: str, message: str) -> None:
        message = scrub(message)
        super().__init__(f"{partner}: {message}")
        self.partner = partner
        self.message = message


class PartnerUnavailable(PartnerError):
    """Connection refused, timeout, HTTP 5xx/429 or a SOAP Server fault: worth a retry."""


class PartnerProtocolError(PartnerError):
    """The answer is not what the protocol promises (malformed JSON/XML): worth a retry,
    because it is usually a proxy or a partner deployment in trouble."""


class PartnerRejected(PartnerError):
    """The partner refused the request for good (HTTP 4xx, SOAP Client fault).

    Args:
        partner: the partner.
        message: what went wrong, without personal data.
        status: the HTTP status, when there was one.
        code: the partner's business error code, when it named one (``persoon-onbekend``).
        details: extra fields from the partner's answer (never personal data).
    """

    def __init__(
        self,
        partner: str,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(partner, message)
        self.status = status
        self.code = code
        self.details: dict[str, Any] = dict(details or {})


def as_job_error(
    exc: PartnerError, business_codes: Mapping[str, str] | None = None
) -> AdapterError:
    """The job error for a partner failure.

    Args:
        exc: what the client raised.
        business_codes: partner error code -> BPMN error code, for the rejections the
            process models (anything else the partner rejects becomes an incident).

    Returns:
        RetryableError, BusinessError or PermanentError.
    """
    if isinstance(exc, PartnerUnavailable | PartnerProtocolError):
        return RetryableError(str(exc))
    if isinstance(exc, PartnerRejected):
        codes = business_codes or {}
        if exc.code is not None and exc.code in codes:
            return BusinessError(codes[exc.code], exc.message, {"foutcode": exc.code})
        return PermanentError(str(exc))
    return RetryableError(str(exc))
