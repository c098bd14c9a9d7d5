"""Domain events as CloudEvents 1.0 following the NL GOV profile.

- ``source``: a URN naming the organisation (OIN) and the system:
  ``urn:nld:oin:<oin>:systeem:ketenregie``;
- ``type``: reverse DNS, ``nl.ketenregie.<event>`` (``nl.ketenregie.instance.started``);
- ``subject``: the journey's business key, or the instance id when there is none;
- ``time``: RFC 3339; ``datacontenttype``: ``application/json``;
- no BSN in any context attribute: :func:`refuse_bsn` checks every attribute, and a business
  key that looks like a BSN is replaced by the instance id as subject.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from orchestrator.domain.bsn import is_valid_bsn

SPECVERSION = "1.0"
TYPE_PREFIX = "nl.ketenregie."
SOURCE_TEMPLATE = "urn:nld:oin:{oin}:systeem:ketenregie"

_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
_OIN = re.compile(r"^[0-9]{20}$")


class BsnInAttributes(ValueError):
    """A CloudEvent context attribute holds something that looks like a BSN."""


def looks_like_bsn(value: str) -> bool:
    """True when ``value`` contains nine digits (not part of a longer number) that pass the
    elfproef. Ten digits or more (an OIN, a phone number) are not a BSN."""
    return any(is_valid_bsn(m.group(0)) for m in _NINE_DIGITS.finditer(value))


#: attributes Ketenregie generates itself (a UUID, a timestamp, constants, the OIN URN);
#: a UUID may hold nine digits in a row that pass the elfproef by chance
GENERATED_ATTRIBUTES = frozenset(
    {"id", "time", "specversion", "source", "type", "datacontenttype", "data", "data_base64"}
)


def refuse_bsn(attributes: Mapping[str, Any]) -> None:
    """Raise when a context attribute that may carry caller data (``subject``, ``dataref``,
    extensions) looks like a BSN.

    Raises:
        BsnInAttributes: naming the attribute, never its value.
    """
    for name, value in attributes.items():
        if name in GENERATED_ATTRIBUTES:
            continue
        if isinstance(value, str) and looks_like_bsn(value):
            raise BsnInAttributes(f"CloudEvent attribute {name!r} looks like a BSN")


def source_for(oin: str) -> str:
    """The ``source`` URN of Ketenregie run by the organisation with ``oin``."""
    if not _OIN.match(oin):
        raise ValueError("an OIN is 20 digits")
    return SOURCE_TEMPLATE.format(oin=oin)


def _rfc3339(moment: datetime | str) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build(
    *,
    event_id: str,
    event: str,
    oin: str,
    time: datetime | str,
    data: Mapping[str, Any],
    business_key: str | None = None,
    instance_id: str | None = None,
    dataref: str | None = None,
) -> dict[str, Any]:
    """A CloudEvent in structured mode (a JSON object).

    Args:
        event_id: unique per event (the outbox message id; subscribers deduplicate by it).
        event: the event name, ``instance.started``; or a full ``nl.ketenregie.`` type.
        oin: the OIN of the organisation running Ketenregie.
        time: when it happened.
        data: the event data (ids and keys; never task data).
        business_key: the journey's business key (preferred subject).
        instance_id: the instance (the subject when the business key is missing or unsafe).
        dataref: where the full data can be fetched, if anywhere.

    Raises:
        BsnInAttributes: an attribute would carry a BSN.
    """
    subject = business_key if business_key and not looks_like_bsn(business_key) else instance_id
    attributes: dict[str, Any] = {
        "specversion": SPECVERSION,
        "id": event_id,
        "source": source_for(oin),
        "type": event if event.startswith(TYPE_PREFIX) else TYPE_PREFIX + event,
        "time": _rfc3339(time),
        "datacontenttype": "application/json",
    }
    if subject:
        attributes["subject"] = subject
    if dataref:
        attributes["dataref"] = dataref
    refuse_bsn(attributes)
    attributes["data"] = dict(data)
    return attributes


def from_outbox(
    *,
    message_id: str,
    routing_key: str,
    headers: Mapping[str, Any],
    body: Mapping[str, Any],
    created_at: datetime,
    oin: str,
) -> dict[str, Any]:
    """The CloudEvent of an outbox row of kind ``event``."""
    return build(
        event_id=message_id,
        event=str(headers.get("type") or routing_key),
        oin=oin,
        time=headers.get("time") or created_at,
        data=body,
        business_key=body.get("business_key"),
        instance_id=body.get("instance_id") or headers.get("subject"),
    )
