"""OIDC bearer tokens (e.g. Keycloak): JWTs validated against the issuer's JWKS.

Checked: signature (asymmetric algorithms only, never ``none`` or HMAC), issuer, audience,
expiry (and ``nbf``/``iat`` when present). Roles and organisation come from configurable,
dotted claim paths (Keycloak: ``realm_access.roles``; a custom ``organisation`` mapper).
The JWKS is cached; a token signed with an unknown ``kid`` triggers one refresh (key
rotation), at most once per ``refresh_interval`` seconds so junk tokens cannot make us
hammer the issuer.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
import structlog

from orchestrator.api.auth import Principal, Unauthenticated

log = structlog.get_logger(__name__)

#: asymmetric algorithms only: a JWKS holds public keys
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")

JwksFetcher = Callable[[], Mapping[str, Any]]


def http_json(url: str, timeout: float = 5.0) -> Mapping[str, Any]:
    """GET ``url`` and parse JSON (https or http only)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) URL: {url}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked
        data = json.loads(response.read().decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not return a JSON object")
    return data


def discovery_fetcher(issuer: str, jwks_url: str = "", timeout: float = 5.0) -> JwksFetcher:
    """A fetcher for ``jwks_url``, or for the ``jwks_uri`` of the issuer's discovery document."""

    def fetch() -> Mapping[str, Any]:
        url = jwks_url
        if not url:
            config = http_json(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout)
            url = str(config["jwks_uri"])
        return http_json(url, timeout)

    return fetch


def claim(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``realm_access.roles``), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


@dataclass(frozen=True)
class ClaimMapping:
    """Where the subject, roles and organisation are in a token."""

    user: str = "preferred_username"
    roles: str = "realm_access.roles"
    organisation: str = "organisation"


class OidcAuthenticator:
    """Validates JWT bearer tokens of one issuer."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        fetch_jwks: JwksFetcher,
        claims: ClaimMapping | None = None,
        leeway: float = 30.0,
        refresh_interval: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create an authenticator; the JWKS is fetched on first use.

        Args:
            issuer: the expected ``iss``.
            audience: the expected ``aud`` (the client id of the API in the issuer).
            fetch_jwks: returns the JWKS document (``{"keys": [...]}``).
            claims: claim paths for subject, roles and organisation.
            leeway: seconds of clock skew tolerated for ``exp``/``nbf``/``iat``.
            refresh_interval: least seconds between two JWKS fetches.
            monotonic: the clock for the refresh interval (tests).
        """
        self._issuer = issuer
        self._audience = audience
        self._fetch = fetch_jwks
        self._claims = claims or ClaimMapping()
        self._leeway = leeway
        self._refresh_interval = refresh_interval
        self._monotonic = monotonic
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        now = self._monotonic()
        if self._fetched_at is not None and now - self._fetched_at < self._refresh_interval:
            return
        self._fetched_at = now
        try:
            document = self._fetch()
            keys = {}
            for raw in document.get("keys", []):
                if raw.get("use", "sig") != "sig" or "kid" not in raw:
                    continue
                try:
                    keys[str(raw["kid"])] = jwt.PyJWK.from_dict(dict(raw))
                except jwt.PyJWKError:
                    log.warning("oidc.jwk_skipped", kid=raw.get("kid"))
        except (OSError, ValueError, KeyError) as error:
            log.warning("oidc.jwks_unavailable", error=type(error).__name__)
            return
        self._keys = keys
        log.info("oidc.jwks_loaded", keys=len(keys))

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            if kid not in self._keys:
                self._refresh()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("token signed with an unknown key")
        return key

    def authenticate(self, token: str) -> Principal:
        """Validate ``token`` and map its claims. Raises Unauthenticated."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("malformed token") from None
        if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
            raise Unauthenticated("token algorithm or key id not accepted")
        key = self._key(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[header["alg"]],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"invalid token: {type(error).__name__}") from None
        subject = claim(claims, self._claims.user) or claims["sub"]
        roles = claim(claims, self._claims.roles) or []
        organisation = claim(claims, self._claims.organisation)
        if isinstance(organisation, list):  # Keycloak group-style mappers give a list
            organisation = organisation[0] if organisation else None
        if not isinstance(roles, list):
            roles = []
        return Principal(
            subject=str(subject),
            organisation=str(organisation) if organisation else None,
            roles=frozenset(str(r) for r in roles),
            kind="client"
            if claim(claims, "azp") and not claim(claims, "preferred_username")
            else "user",
        )
