"""Authenticators: the users file (hashed tokens) and OIDC JWTs against a JWKS."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from orchestrator.api.auth import Unauthenticated
from orchestrator.api.auth.oidc import OidcAuthenticator
from orchestrator.api.auth.users import ConfigError, StaticTokenAuthenticator, token_hash

ISSUER = "https://sso.example.test/realms/keten"


def test_users_file(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(
        f"""
[[users]]
id = "anna"
organisation = "gemeente"
roles = ["poortwachter"]
token_sha256 = "{token_hash("geheim-anna")}"

[[clients]]
id = "uwv-koppeling"
organisation = "uwv"
roles = ["koppeling"]
token_sha256 = "{token_hash("geheim-uwv")}"
"""
    )
    auth = StaticTokenAuthenticator.from_file(path)
    anna = auth.authenticate("geheim-anna")
    assert (anna.subject, anna.organisation, anna.roles, anna.kind) == (
        "anna",
        "gemeente",
        frozenset({"poortwachter"}),
        "user",
    )
    assert auth.authenticate("geheim-uwv").kind == "client"
    with pytest.raises(Unauthenticated):
        auth.authenticate("geheim")
    assert "geheim-anna" not in path.read_text()
    path.write_text('[[users]]\nid = "x"\ntoken_sha256 = "kort"\n')
    with pytest.raises(ConfigError):
        StaticTokenAuthenticator.from_file(path)
    with pytest.raises(Unauthenticated):
        StaticTokenAuthenticator.from_file(tmp_path / "missing.toml").authenticate("x")


class Issuer:
    """A local issuer: RSA keys, a JWKS document, signed tokens."""

    def __init__(self) -> None:
        self.keys = {}
        self.fetches = 0
        self.rotate("k1")

    def rotate(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict:
        self.fetches += 1
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def token(self, kid: str = "k1", **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": "ketenregie",
            "sub": "f1c2",
            "preferred_username": "umar",
            "exp": now + 300,
            "iat": now,
            "realm_access": {"roles": ["arbeidsdeskundige", "offline_access"]},
            "organisation": "uwv",
            **overrides,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def oidc(issuer) -> OidcAuthenticator:
    clock = {"now": 0.0}
    auth = OidcAuthenticator(
        issuer=ISSUER, audience="ketenregie", fetch_jwks=issuer.jwks, monotonic=lambda: clock["now"]
    )
    auth.clock = clock  # type: ignore[attr-defined]
    return auth


def test_valid_token_maps_claims(oidc, issuer):
    principal = oidc.authenticate(issuer.token())
    assert principal.subject == "umar" and principal.organisation == "uwv"
    assert principal.roles == frozenset({"arbeidsdeskundige", "offline_access"})
    oidc.authenticate(issuer.token())
    assert issuer.fetches == 1  # cached


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 3600},
        {"iss": "https://evil.test"},
        {"aud": "andere-app"},
        {"sub": None},
    ],
)
def test_invalid_tokens_are_refused(oidc, issuer, overrides):
    with pytest.raises(Unauthenticated):
        oidc.authenticate(issuer.token(**overrides))


def test_forged_and_unsigned_tokens(oidc, issuer):
    with pytest.raises(Unauthenticated):
        oidc.authenticate("geen.jwt.token")
    unsigned = jwt.encode({"iss": ISSUER, "aud": "ketenregie", "sub": "x"}, None, algorithm="none")
    with pytest.raises(Unauthenticated):
        oidc.authenticate(unsigned)
    hmac = jwt.encode(
        {"iss": ISSUER},
        "secret-long-enough-for-hs256-32bytes!",
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    with pytest.raises(Unauthenticated):
        oidc.authenticate(hmac)
    other = Issuer()  # same kid, different key
    with pytest.raises(Unauthenticated):
        oidc.authenticate(other.token())


def test_key_rotation_refreshes_the_jwks_at_most_once_a_minute(oidc, issuer):
    oidc.authenticate(issuer.token())
    issuer.rotate("k2")
    with pytest.raises(Unauthenticated):
        oidc.authenticate(issuer.token("k2"))  # refreshed less than a minute ago
    oidc.clock["now"] += 61
    assert oidc.authenticate(issuer.token("k2")).subject == "umar"
    assert issuer.fetches == 2
