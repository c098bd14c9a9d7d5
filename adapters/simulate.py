"""``ketenregie simulate gemeente|uwv|sw-bedrijf``: run a partner simulator in the foreground.

The simulator accepts the credentials in the settings, so a Ketenregie configured with the
same settings talks to it unchanged (the default settings point at these default ports).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from adapters.common.simrunner import SimulatorServer
from adapters.common.simserver import Faults, Simulator
from orchestrator.config import AdapterSettings, Settings

log = structlog.get_logger(__name__)

#: where each simulator listens by default (matches the default adapter settings)
DEFAULT_PORTS = {"gemeente": 8201, "uwv": 8202, "sw-bedrijf": 8203}


def _factories() -> dict[str, Callable[[AdapterSettings, Faults | None], Simulator]]:
    from adapters.gemeente.simulator import create_simulator as gemeente
    from adapters.sw_bedrijf.simulator import create_simulator as sw_bedrijf
    from adapters.uwv.simulator import create_simulator as uwv

    return {"gemeente": gemeente, "uwv": uwv, "sw-bedrijf": sw_bedrijf}


def create(name: str, settings: AdapterSettings, faults: Faults | None = None) -> Simulator:
    """The simulator ``name`` (``gemeente``, ``uwv``, ``sw-bedrijf``).

    Raises:
        ValueError: no such simulator.
    """
    factories = _factories()
    key = name.replace("_", "-")
    if key not in factories:
        raise ValueError(f"unknown simulator {name!r}; choose from {', '.join(factories)}")
    return factories[key](settings, faults)


def run_simulator(
    name: str,
    host: str = "127.0.0.1",
    port: int | None = None,
    faults: Faults | None = None,
    *,
    settings: Settings | None = None,
) -> None:
    """Serve simulator ``name`` until interrupted (Ctrl-C).

    Args:
        name: ``gemeente``, ``uwv`` or ``sw-bedrijf``.
        host: interface to listen on.
        port: TCP port (default: the simulator's default port).
        faults: faults switched on from the start (more via ``PUT /_fouten``).
        settings: whose adapter credentials the simulator accepts (default: from the
            environment).

    Raises:
        ValueError: no such simulator.
    """
    adapter_settings = (settings or Settings()).adapters
    simulator = create(name, adapter_settings, faults)
    chosen = port if port is not None else DEFAULT_PORTS[simulator.name]
    server = SimulatorServer(simulator, host=host, port=chosen).start()
    log.info("simulator.started", simulator=simulator.name, url=server.url)
    try:
        # The server runs in a thread so that ``POST /_weigeren`` can stop and restart it.
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        log.info("simulator.stopped", simulator=simulator.name)
