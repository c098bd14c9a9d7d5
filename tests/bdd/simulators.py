"""The partners' simulators for the BDD scenarios, started once per test session (per xdist
worker) on free localhost ports, and the inbound endpoint they report back to.

- :class:`Simulatoren` runs the gemeente, UWV and SW-bedrijf simulators
  (:class:`~adapters.common.simrunner.SimulatorServer`) and an inbound server with the
  application's own router (:func:`adapters.gemeente.inbound.build_inbound_router`), whose
  CloudEvents are correlated in the scenario's application;
- :attr:`Simulatoren.settings` points the adapters at them;
- :meth:`Simulatoren.nieuw_scenario` gives every scenario fresh partner state (a dossier
  number like ``DOS-1`` comes back in many scenarios) on the same sockets.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from adapters.common.simrunner import SimulatorServer
from adapters.common.simserver import Simulator, SimulatorControl
from adapters.gemeente.inbound import build_inbound_router
from adapters.simulate import create
from orchestrator.application.messages import MessageService
from orchestrator.bootstrap import Container
from orchestrator.config import AdapterSettings, Settings

#: the partners whose adapters the scenarios run
PARTNERS = ("gemeente", "uwv", "sw-bedrijf")
#: quick to give up: a simulator answers in milliseconds
_TIMEOUTS = {"connect_timeout": 2.0, "read_timeout": 5.0, "write_timeout": 5.0}


class _Ontvanger:
    """What the inbound router needs of a container (``messages``), for the scenario that
    runs now; a report without a running scenario is refused."""

    def __init__(self) -> None:
        self.app: Container | None = None

    @property
    def messages(self) -> MessageService:
        if self.app is None:
            raise RuntimeError("no scenario is running: nothing to correlate with")
        return self.app.messages


def _http(url: str) -> dict[str, Any]:
    return {"base_url": url, **_TIMEOUTS}


class Simulatoren:
    """The simulators and the inbound server of one test session."""

    def __init__(self) -> None:
        defaults = AdapterSettings()
        self.servers = {name: SimulatorServer(create(name, defaults)).start() for name in PARTNERS}
        self._ontvanger = _Ontvanger()
        inbound = FastAPI()
        self.inbound = SimulatorServer(
            Simulator("inbound", inbound, SimulatorControl(), state=None)
        ).start()
        gemeente, uwv, sw = (self.servers[n].url for n in PARTNERS)
        adapters = AdapterSettings.model_validate(
            {
                "gemeente": {
                    "zgw": {"zaken_api": _http(f"{gemeente}/zaken/api/v1")},
                    "uitkeringen": _http(f"{gemeente}/uitkeringen/api/v1"),
                },
                "uwv": {"soap": _http(f"{uwv}/suwinet/v1")},
                "sw_bedrijf": {"api": _http(f"{sw}/api/v1")},
                "terugmeld_url": f"{self.inbound.url}/api/v1/cloudevents",
            }
        )
        self.settings = Settings(adapters=adapters)
        inbound.include_router(build_inbound_router(self._ontvanger, self.settings))  # type: ignore[arg-type]

    def nieuw_scenario(self, app: Container) -> None:
        """Fresh partner state for a scenario; inbound reports go to ``app``."""
        for name, server in self.servers.items():
            server.swap(create(name, self.settings.adapters))
        self._ontvanger.app = app

    def scenario_klaar(self) -> None:
        """The scenario is over: refuse what still reports back."""
        self._ontvanger.app = None

    def server(self, partner: str) -> SimulatorServer:
        """The server of ``gemeente``, ``uwv`` or ``sw-bedrijf``."""
        return self.servers[partner]

    def stop(self) -> None:
        for server in [*self.servers.values(), self.inbound]:
            server.stop()
