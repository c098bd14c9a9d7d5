"""One way to talk HTTP to a partner: timeouts, mutual TLS, logging, error mapping."""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from typing import Any

import httpx
import structlog

from adapters.common.errors import (
    PartnerProtocolError,
    PartnerRejected,
    PartnerUnavailable,
)
from orchestrator.config import HttpClientSettings

log = structlog.get_logger(__name__)

#: statuses after which the same request may well succeed later
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def tls_context(settings: HttpClientSettings) -> ssl.SSLContext:
    """The TLS context for ``settings``: its CA bundle, and its client certificate (mTLS).

    Raises:
        OSError / ssl.SSLError: a certificate, key or CA file cannot be read.
    """
    ca = str(settings.ca_file) if settings.ca_file is not None else None
    context = ssl.create_default_context(cafile=ca)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.client_cert_file is not None and settings.client_key_file is not None:
        context.load_cert_chain(str(settings.client_cert_file), str(settings.client_key_file))
    if not settings.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def build_client(
    settings: HttpClientSettings,
    *,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` for one partner service, configured from ``settings`` only.

    Args:
        settings: base URL, timeouts and TLS files.
        headers: headers sent with every request (credentials, content negotiation).
        auth: an httpx auth flow (e.g. a fresh ZGW JWT per request).
        transport: a custom transport (tests).
    """
    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.write_timeout,
        pool=settings.pool_timeout,
    )
    return httpx.Client(
        base_url=settings.base_url.rstrip("/") + "/",
        timeout=timeout,
        verify=tls_context(settings),
        headers=dict(headers or {}),
        auth=auth,
        follow_redirects=False,
        transport=transport,
    )


class PartnerHttp:
    """Sends requests to one partner and turns transport trouble into partner errors.

    Args:
        partner: the partner's name, for errors and logs.
        client: the configured client (see :func:`build_client`).
    """

    def __init__(self, partner: str, client: httpx.Client) -> None:
        self.partner = partner
        self.client = client

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 202, 204),
    ) -> httpx.Response:
        """Send one request; return the response when its status is in ``ok``.

        ``url`` is relative to the base URL, or absolute (ZGW hands out absolute URLs).
        Only the method, the path and the status are logged: bodies carry personal data.

        Raises:
            PartnerUnavailable: connection refused or reset, timeout, 5xx, 408, 429.
            PartnerRejected: any other status outside ``ok`` (code taken from a problem
                body's ``code`` when present).
        """
        started = time.perf_counter()
        target = url.lstrip("/") if not url.startswith(("http://", "https://")) else url
        try:
            response = self.client.request(
                method, target, json=json, content=content, params=params, headers=headers
            )
        except httpx.TimeoutException as exc:
            self._log(method, target, None, started, "timeout")
            raise PartnerUnavailable(self.partner, f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            self._log(method, target, None, started, "unreachable")
            raise PartnerUnavailable(self.partner, f"unreachable ({type(exc).__name__})") from exc
        self._log(method, target, response.status_code, started, None)
        if response.status_code in ok:
            return response
        if response.status_code in RETRYABLE_STATUSES:
            raise PartnerUnavailable(self.partner, f"HTTP {response.status_code}")
        code, detail = _problem(response)
        raise PartnerRejected(
            self.partner,
            f"HTTP {response.status_code}" + (f" {code}" if code else "") + f": {detail}",
            status=response.status_code,
            code=code,
        )

    def json(self, response: httpx.Response) -> dict[str, Any]:
        """The JSON object in ``response``.

        Raises:
            PartnerProtocolError: the body is not a JSON object.
        """
        try:
            body = response.json()
        except ValueError:
            raise PartnerProtocolError(self.partner, "answer is not valid JSON") from None
        if not isinstance(body, dict):
            raise PartnerProtocolError(self.partner, "answer is not a JSON object")
        return body

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def _log(
        self, method: str, target: str, status: int | None, started: float, error: str | None
    ) -> None:
        path = self.client.base_url.join(target).path
        log.info(
            "partner.request",
            partner=self.partner,
            method=method,
            path=path,
            status=status,
            error=error,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )


def _problem(response: httpx.Response) -> tuple[str | None, str]:
    """``(code, detail)`` of a problem+json (or ZGW Fout) body; the detail is cut short."""
    try:
        body = response.json()
    except ValueError:
        return None, "no problem details"
    if not isinstance(body, dict):
        return None, "no problem details"
    code = body.get("code")
    invalid = body.get("invalidParams")
    if isinstance(invalid, list) and invalid and isinstance(invalid[0], dict):
        code = code if code not in (None, "invalid") else invalid[0].get("code")
    detail = str(body.get("detail") or body.get("title") or "")[:200]
    return (str(code) if code else None), detail


class TokenRestClient:
    """A partner's REST service behind an API key (``Authorization: Token ...``), whose
    writes carry an ``Idempotency-Key`` so a retry after a lost response is done once.

    Args:
        partner: the partner's name, for error messages and logs.
        endpoint: URL, timeouts and TLS files.
        api_key: the key, from the settings' secret.
        transport: a custom httpx transport (tests).
        ok: the statuses a write may answer with.
    """

    def __init__(
        self,
        partner: str,
        endpoint: HttpClientSettings,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> None:
        client = build_client(
            endpoint,
            headers={"Authorization": f"Token {api_key}", "Accept": "application/json"},
            transport=transport,
        )
        self._http = PartnerHttp(partner, client)
        self._ok = ok

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _post(self, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        response = self._http.request(
            "POST", path, json=body, headers={"Idempotency-Key": key}, ok=self._ok
        )
        return self._http.json(response)
