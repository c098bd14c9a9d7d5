"""The partner simulators and demo users of ``ketenregie demo``.

The three simulators (gemeente, UWV, SW-bedrijf) run in-process on the ports the adapter
settings point at (8201-8203 by default). A port that is taken is replaced by a free one,
and the settings of this process are pointed at it, so the demo still runs beside another
one. The users file gets one user per role with a known token (``<role>-demo``).
"""

from __future__ import annotations

import socket
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import structlog

from orchestrator.application.organisations import OrganisationMap

if TYPE_CHECKING:
    from adapters.common.simrunner import SimulatorServer
    from orchestrator.config import HttpClientSettings, Settings

log = structlog.get_logger(__name__)

#: first line of a users file the demo wrote (only such a file is rewritten)
USERS_MARKER = "# ketenregie demo users: tokens are <role>-demo, never use them in production"

#: caseworker roles (candidate groups of the diagrams) and the system roles
DEMO_ROLES = (
    "baliemedewerker",
    "poortwachter",
    "consulent_io",
    "intaker",
    "trainer",
    "werkcoach",
    "participatiemakelaar",
    "jobcoach",
    "handhaving",
    "wisselwachter",
    "klantmanager",
    "work_first",
    "inkomensconsulent",
    "bbz_consulent",
    "schuldhulpverlener",
    "sw_backoffice",
    "matchmaker",
    "matchmaker_zorg",
    "matchmaker_tuinbouw",
    "matchmaker_mkb",
    "kcc",
    "e_coach",
    "centrum_voor_werk",
)
SYSTEM_ROLES = ("beheerder", "procesbeheerder", "operator", "auditor", "monitoring")


@dataclass(frozen=True)
class DemoUser:
    """A demo user: id, role, organisation and bearer token."""

    user_id: str
    role: str
    organisation: str | None
    token: str


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _moved(client: HttpClientSettings, port: int) -> HttpClientSettings:
    parts = urlsplit(client.base_url)
    netloc = f"{parts.hostname}:{port}"
    return client.model_copy(update={"base_url": urlunsplit(parts._replace(netloc=netloc))})


def start_simulators(settings: Settings) -> tuple[list[SimulatorServer], Settings]:
    """Start the gemeente, UWV and SW-bedrijf simulators; returns them and the settings
    pointing at where they listen."""
    from adapters.common.simrunner import SimulatorServer
    from adapters.simulate import create

    adapters = settings.adapters
    zgw = adapters.gemeente.zgw
    wanted = {
        "gemeente": urlsplit(zgw.zaken_api.base_url),
        "uwv": urlsplit(adapters.uwv.soap.base_url),
        "sw-bedrijf": urlsplit(adapters.sw_bedrijf.api.base_url),
    }
    ports: dict[str, int] = {}
    servers: list[SimulatorServer] = []
    for name, url in wanted.items():
        host = url.hostname or "127.0.0.1"
        port = url.port or 0
        server = SimulatorServer(create(name, adapters), host=host, port=port)
        if port and _port_free(host, port):
            with suppress(RuntimeError):  # taken between the check and the bind
                server.start()
        if not server.running:
            server.port = 0
            server.start()
            log.warning(
                "demo.simulator_port_taken", simulator=name, wanted=url.port, port=server.port
            )
        servers.append(server)
        ports[name] = server.port
    gemeente = adapters.gemeente.model_copy(
        update={
            "zgw": zgw.model_copy(update={"zaken_api": _moved(zgw.zaken_api, ports["gemeente"])}),
            "uitkeringen": _moved(adapters.gemeente.uitkeringen, ports["gemeente"]),
        }
    )
    moved = adapters.model_copy(
        update={
            "gemeente": gemeente,
            "uwv": adapters.uwv.model_copy(
                update={"soap": _moved(adapters.uwv.soap, ports["uwv"])}
            ),
            "sw_bedrijf": adapters.sw_bedrijf.model_copy(
                update={"api": _moved(adapters.sw_bedrijf.api, ports["sw-bedrijf"])}
            ),
        }
    )
    # the simulators were created with the old settings: only the ports differ
    return servers, settings.model_copy(update={"adapters": moved})


def stop_simulators(servers: list[SimulatorServer]) -> None:
    """Stop every simulator."""
    for server in servers:
        server.stop()


def demo_users(settings: Settings) -> list[DemoUser]:
    """One user per role, token ``<role>-demo`` (``matchmaker_zorg-demo``, ...)."""
    organisations = OrganisationMap(settings.organisation_map)
    users = []
    for role in DEMO_ROLES + SYSTEM_ROLES:
        organisation = organisations.lookup(role) if role in DEMO_ROLES else "gemeente"
        users.append(DemoUser(f"{role}-demo", role, organisation, f"{role}-demo"))
    return users


def write_users_file(path: Path, users: list[DemoUser]) -> bool:
    """Write the demo users (sha256 of each token) unless ``path`` is a users file of
    someone else; returns whether it was written."""
    from orchestrator.api.auth.users import token_hash

    if path.exists() and not path.read_text(encoding="utf-8").startswith(USERS_MARKER):
        log.warning("demo.users_file_kept", path=str(path))
        return False
    lines = [USERS_MARKER, ""]
    for user in users:
        lines += [
            "[[users]]",
            f'id = "{user.user_id}"',
            *([f'organisation = "{user.organisation}"'] if user.organisation else []),
            f'roles = ["{user.role}"]',
            f'token_sha256 = "{token_hash(user.token)}"',
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return True
