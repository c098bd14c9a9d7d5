"""ZGW authentication: a JWT signed with the client's shared secret (HS256).

The ZGW standard has each client sign its own short-lived token with a secret it shares
with the API (registered in the Autorisaties API). We make a fresh token per request.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping

import httpx
import jwt

#: a token older than this is refused by the simulator (ZGW's usual JWT_EXPIRY)
MAX_TOKEN_AGE_SECONDS = 3600
#: clock skew tolerated between client and API
LEEWAY_SECONDS = 60


class InvalidZgwToken(ValueError):
    """The bearer token is missing, malformed, wrongly signed, or too old."""


def zgw_token(client_id: str, secret: str, *, user_id: str = "ketenregie") -> str:
    """A ZGW JWT for ``client_id``, signed with ``secret`` (HS256)."""
    payload = {
        "iss": client_id,
        "iat": int(time.time()),
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": user_id,
    }
    return jwt.encode(payload, secret, algorithm="HS256", headers={"client_identifier": client_id})


def verify_zgw_token(authorization: str | None, secrets: Mapping[str, str]) -> str:
    """Check an ``Authorization: Bearer <jwt>`` header; return the client id.

    Args:
        authorization: the header value.
        secrets: client id -> shared secret of the clients the API knows.

    Raises:
        InvalidZgwToken: with the reason (never the token).
    """
    if not authorization or not authorization.startswith("Bearer "):
        raise InvalidZgwToken("no bearer token")
    token = authorization.removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise InvalidZgwToken("malformed token") from None
    client_id = str(claims.get("client_id") or claims.get("iss") or "")
    secret = secrets.get(client_id)
    if secret is None:
        raise InvalidZgwToken("unknown client")
    try:
        verified = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["iat"]},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.PyJWTError as exc:
        raise InvalidZgwToken(f"invalid token ({type(exc).__name__})") from None
    if int(verified["iat"]) < time.time() - MAX_TOKEN_AGE_SECONDS - LEEWAY_SECONDS:
        raise InvalidZgwToken("token expired")
    return client_id


class ZgwAuth(httpx.Auth):
    """httpx auth flow: a fresh ZGW JWT on every request.

    Args:
        client_id: the ZGW client id.
        secret: its shared secret.
    """

    def __init__(self, client_id: str, secret: str) -> None:
        self._client_id = client_id
        self._secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the bearer token."""
        request.headers["Authorization"] = f"Bearer {zgw_token(self._client_id, self._secret)}"
        yield request
