"""Who is calling: principals, and the authenticators that turn a bearer token into one.

Two authenticators share one contract (:class:`Authenticator`): the embedded default reads
users and API clients from a TOML file (:mod:`.users`), production validates OIDC bearer
tokens against the issuer's JWKS (:mod:`.oidc`). What a principal may do is decided in
:mod:`.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from orchestrator.application.identity import Actor


class Unauthenticated(Exception):
    """No credentials, or credentials that do not identify anyone (HTTP 401)."""

    def __init__(self, reason: str = "authentication required") -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    Attributes:
        subject: stable user or client id (never a BSN).
        organisation: the chain partner the caller works for (gemeente, uwv, ...).
        roles: roles; caseworker roles equal BPMN candidate groups.
        kind: "user" (a person) or "client" (a partner system).
    """

    subject: str
    organisation: str | None
    roles: frozenset[str] = field(default_factory=frozenset)
    kind: Literal["user", "client"] = "user"

    def actor(self) -> Actor:
        """The actor the application layer sees."""
        return Actor(self.subject, organisation=self.organisation, groups=self.roles)


class Authenticator(Protocol):
    """Turns a bearer token into a principal."""

    def authenticate(self, token: str) -> Principal:
        """Raises :class:`Unauthenticated` when the token identifies nobody."""
        ...


__all__ = ["Authenticator", "Principal", "Unauthenticated"]
