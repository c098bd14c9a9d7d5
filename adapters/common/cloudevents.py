"""CloudEvents (structured JSON, NL GOV profile) that simulators send back to Ketenregie.

The profile keeps personal data out of the context attributes: ``subject`` carries the
journey's business key (dossier), never a BSN.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

log = structlog.get_logger(__name__)

CONTENT_TYPE = "application/cloudevents+json"


def cloud_event(type_: str, source: str, subject: str, data: dict[str, Any]) -> dict[str, Any]:
    """A CloudEvent 1.0 in structured mode."""
    return {
        "specversion": "1.0",
        "type": type_,
        "source": source,
        "id": str(uuid.uuid4()),
        "time": datetime.now(UTC).isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data,
    }


async def deliver(url: str, event: dict[str, Any], token: str | None) -> bool:
    """POST ``event`` to ``url``; True when it was accepted (2xx)."""
    headers = {"Content-Type": CONTENT_TYPE}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.post(url, json=event, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("cloudevent.undelivered", type=event["type"], error=type(exc).__name__)
        return False
    accepted = response.is_success
    log.info("cloudevent.delivered", type=event["type"], status=response.status_code)
    return accepted
