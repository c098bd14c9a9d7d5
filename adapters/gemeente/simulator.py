"""The gemeente simulator: Zaken API (``/zaken/api/v1``) and benefits administration
(``/uitkeringen/api/v1``) on one HTTP server."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.common.simserver import Faults, Simulator, simulator_app
from adapters.gemeente.sim_uitkeringen import UitkeringenState, uitkeringen_routes
from adapters.gemeente.sim_zaken import ZakenState, zaken_routes
from orchestrator.config import AdapterSettings


@dataclass
class GemeenteState:
    """What the simulated gemeente has registered."""

    zaken: ZakenState
    uitkeringen: UitkeringenState


def create_simulator(
    settings: AdapterSettings,
    faults: Faults | None = None,
    *,
    notificatie_url: str | None = None,
) -> Simulator:
    """The gemeente simulator, accepting the credentials in ``settings``.

    Args:
        settings: the adapter settings (ZGW client id and secret, API key).
        faults: faults switched on from the start.
        notificatie_url: where ZGW notificaties go (default: no subscriber).
    """
    gemeente = settings.gemeente
    token = settings.inbound_token.get_secret_value()
    state = GemeenteState(
        zaken=ZakenState(
            secrets={gemeente.zgw.client_id: gemeente.zgw.secret.get_secret_value()},
            notificatie_url=notificatie_url,
            notificatie_token=f"Bearer {token}",
        ),
        uitkeringen=UitkeringenState(api_key=gemeente.uitkeringen_api_key.get_secret_value()),
    )
    routes = [*zaken_routes(state.zaken), *uitkeringen_routes(state.uitkeringen)]
    return simulator_app("gemeente", routes, state, faults)
