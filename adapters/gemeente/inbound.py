"""Inbound partner messages: ZGW Notificaties and CloudEvents, correlated as BPMN messages.

Mounted by the API (``build_inbound_router(container, settings)``). Partners authenticate
with the bearer token in ``settings.adapters.inbound_token`` (a Notificaties API abonnement
sends it as its ``auth``). Which message a notification becomes is configuration:

- a ZGW notificatie by ``kanaal.resource.actie`` (``zaken.status.create``) through
  ``adapters.gemeente.notificatie_berichten``; its business key is the zaak's
  ``identificatie``, taken from ``kenmerken`` when present, otherwise read from the Zaken
  API (``hoofdObject``);
- a CloudEvent by ``type`` through ``adapters.cloudevent_berichten``; its business key is
  its ``subject`` (the dossier; the NL GOV profile keeps BSNs out of context attributes).

Unmapped notifications are acknowledged and ignored. A repeated delivery correlates once
(the message id is derived from the notification). When the Zaken API cannot be reached
the answer is 503, so the sender retries.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Annotated, Any, Literal

import structlog
from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from adapters.common.errors import PartnerError
from adapters.gemeente.zgw import ZakenClient
from orchestrator.bootstrap import Container
from orchestrator.config import Settings

log = structlog.get_logger(__name__)


class Notificatie(BaseModel):
    """A ZGW notificatie as the Notificaties API delivers it."""

    model_config = ConfigDict(extra="allow")

    kanaal: str
    hoofdObject: str
    resource: str
    resourceUrl: str
    actie: str
    aanmaakdatum: datetime
    kenmerken: dict[str, str] = Field(default_factory=dict)


class CloudEvent(BaseModel):
    """A CloudEvent 1.0 in structured JSON mode."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"]
    id: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    type: Annotated[str, Field(min_length=1)]
    subject: str | None = None
    time: datetime | None = None
    datacontenttype: str | None = None
    data: dict[str, Any] | None = None


class Ontvangst(BaseModel):
    """What happened to an inbound notification."""

    uitkomst: str
    bericht: str | None = None
    instanceId: str | None = None


def _message_id(*parts: str) -> str:
    return "inbound:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def build_inbound_router(
    container: Container,
    settings: Settings,
    *,
    zaken: ZakenClient | None = None,
    prefix: str = "/api/v1",
) -> APIRouter:
    """The router with ``POST {prefix}/notificaties`` and ``POST {prefix}/cloudevents``.

    Args:
        container: the application (its ``messages.correlate`` receives the messages).
        settings: inbound token and the notification -> message maps.
        zaken: the Zaken API client for business key look-ups (default: from settings).
        prefix: where to mount the endpoints.
    """
    config = settings.adapters
    expected = f"Bearer {config.inbound_token.get_secret_value()}".encode()
    client = zaken or ZakenClient(config.gemeente.zgw)

    # async: no worker-thread hop of its own (a constant-time comparison, no I/O)
    async def authenticated(authorization: Annotated[str | None, Header()] = None) -> None:
        if not hmac.compare_digest((authorization or "").encode(), expected):
            raise HTTPException(status_code=401, detail="unknown partner token")

    router = APIRouter(prefix=prefix, tags=["inbound"], dependencies=[Depends(authenticated)])

    def correlate(
        name: str, business_key: str, variables: dict[str, Any], message_id: str
    ) -> Ontvangst:
        result = container.messages.correlate(
            name, business_key=business_key, variables=variables, message_id=message_id
        )
        log.info("inbound.correlated", message_name=name, outcome=result.outcome)
        return Ontvangst(uitkomst=result.outcome, bericht=name, instanceId=result.instance_id)

    @router.post("/notificaties", response_model=Ontvangst, summary="ZGW notificatie")
    def notificatie(body: Notificatie) -> Ontvangst:
        """Correlate a ZGW notificatie (kanaal, hoofdObject, resource, actie, kenmerken)."""
        name = config.gemeente.notificatie_berichten.get(
            f"{body.kanaal}.{body.resource}.{body.actie}"
        )
        if name is None:
            return Ontvangst(uitkomst="genegeerd")
        business_key = body.kenmerken.get("identificatie")
        if not business_key:
            try:
                business_key = str(client.lees(body.hoofdObject).get("identificatie") or "")
            except PartnerError as exc:
                log.warning("inbound.zaak_unreadable", error=type(exc).__name__)
                raise HTTPException(503, "the zaak cannot be read now; retry later") from exc
        if not business_key:
            raise HTTPException(422, "the zaak has no identificatie")
        variables = {
            "zaakUrl": body.hoofdObject,
            "notificatieResource": body.resource,
            "notificatieResourceUrl": body.resourceUrl,
            "notificatieActie": body.actie,
        }
        message_id = _message_id(
            body.kanaal, body.resourceUrl, body.actie, body.aanmaakdatum.isoformat()
        )
        return correlate(name, business_key, variables, message_id)

    @router.post("/cloudevents", response_model=Ontvangst, summary="CloudEvent")
    def cloudevent(event: CloudEvent) -> Ontvangst:
        """Correlate a CloudEvent (structured mode); its ``subject`` is the business key."""
        name = config.cloudevent_berichten.get(event.type)
        if name is None:
            return Ontvangst(uitkomst="genegeerd")
        business_key = event.subject or str((event.data or {}).get("dossier") or "")
        if not business_key:
            raise HTTPException(422, "the event names no dossier (subject)")
        return correlate(
            name, business_key, dict(event.data or {}), _message_id(event.source, event.id)
        )

    return router
