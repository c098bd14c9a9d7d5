"""Users and API clients of the embedded default, from a TOML file.

Only the sha256 hash of each token is stored, so the file can be read by operators
without giving away credentials::

    [[users]]
    id = "anna"
    organisation = "gemeente"
    roles = ["poortwachter"]
    token_sha256 = "9f86d081884c7d65..."   # sha256 of the bearer token, hex

    [[clients]]
    id = "uwv-koppeling"
    organisation = "uwv"
    roles = ["koppeling"]
    token_sha256 = "..."

Create a hash with ``python -c 'import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())' TOKEN``.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from orchestrator.api.auth import Principal, Unauthenticated


def token_hash(token: str) -> str:
    """Hex sha256 of a bearer token, as stored in the users file."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ConfigError(ValueError):
    """The users file is malformed."""


def _entry(raw: Mapping[str, Any], kind: Literal["user", "client"]) -> tuple[str, Principal]:
    try:
        subject = str(raw["id"])
        digest = str(raw["token_sha256"]).lower()
    except KeyError as missing:
        raise ConfigError(f"a {kind} entry lacks {missing}") from None
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ConfigError(f"{kind} {subject}: token_sha256 is not a hex sha256")
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ConfigError(f"{kind} {subject}: roles must be a list of strings")
    organisation = raw.get("organisation")
    return digest, Principal(
        subject=subject,
        organisation=str(organisation) if organisation is not None else None,
        roles=frozenset(roles),
        kind=kind,
    )


class StaticTokenAuthenticator:
    """Looks bearer tokens up by their sha256 hash."""

    def __init__(self, principals: Mapping[str, Principal]) -> None:
        """Args: principals: token sha256 (hex) -> principal."""
        self._by_hash = dict(principals)

    @classmethod
    def from_entries(
        cls, users: Iterable[Mapping[str, Any]], clients: Iterable[Mapping[str, Any]] = ()
    ) -> StaticTokenAuthenticator:
        """Build from parsed ``[[users]]`` and ``[[clients]]`` tables."""
        entries = [_entry(u, "user") for u in users] + [_entry(c, "client") for c in clients]
        by_hash: dict[str, Principal] = {}
        for digest, principal in entries:
            if digest in by_hash:
                raise ConfigError(f"{principal.subject}: token shared with another entry")
            by_hash[digest] = principal
        return cls(by_hash)

    @classmethod
    def from_file(cls, path: Path) -> StaticTokenAuthenticator:
        """Read a users file; a missing file means nobody can log in.

        Raises:
            ConfigError: the file is not valid TOML or an entry is malformed.
        """
        if not path.exists():
            return cls({})
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from error
        return cls.from_entries(data.get("users", []), data.get("clients", []))

    def authenticate(self, token: str) -> Principal:
        """The principal whose token hash matches. Raises Unauthenticated.

        One dict lookup by the token's sha256 (was: ``hmac.compare_digest`` against every
        entry). What the lookup's timing could reveal is how much of a *hash* matched a
        stored one; a caller cannot choose hashes (that takes sha256 preimages), so it says
        nothing about any token, and the cost no longer grows with the number of entries.
        """
        principal = self._by_hash.get(token_hash(token))
        if principal is None:
            raise Unauthenticated("unknown token")
        return principal
