"""Partner simulators: real HTTP servers with state, a request log and fault injection.

Every simulator is an ASGI app wrapped in :class:`FaultInjector`, run by uvicorn in a
background thread (:class:`SimulatorServer`) or in the foreground (``ketenregie simulate``).
Tests switch faults on through the Python API (``server.control.set_faults(...)``) or over
HTTP, on control endpoints under ``/_`` that faults never touch:

- ``GET|PUT|DELETE /_fouten``: the active :class:`Faults`;
- ``GET|DELETE /_verzoeken``: the request log (method, path, query, body);
- ``POST /_weigeren`` ``{"seconden": 2}``: stop listening (connections refused) for a while.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class Faults(BaseModel):
    """What the simulator does wrong, for the next ``times`` requests (or until cleared).

    Attributes:
        latency: seconds to wait before answering (then answer normally).
        status: answer with this HTTP status (e.g. 503) without doing anything.
        hang: answer nothing for ``hang_seconds`` (the client times out); nothing is done.
        lose_response: do the work, then answer nothing for ``hang_seconds`` (a response
            lost on the way back: the retry must not do the work twice).
        malformed: answer 200 with a body that is neither valid JSON nor XML.
        soap_fault: answer with a SOAP fault with this code (``Server``, ``PersoonOnbekend``).
        hang_seconds: how long ``hang`` and ``lose_response`` keep the client waiting.
        times: how many requests get the fault; ``None``: all, until cleared.
        path_prefix: only requests whose path starts with this.
        method: only requests with this HTTP method (``POST``).
    """

    model_config = ConfigDict(extra="forbid")

    latency: float = Field(default=0.0, ge=0.0, le=60.0)
    status: int | None = Field(default=None, ge=400, le=599)
    hang: bool = False
    lose_response: bool = False
    malformed: bool = False
    soap_fault: str | None = None
    hang_seconds: float = Field(default=5.0, ge=0.0, le=120.0)
    times: int | None = Field(default=None, ge=1)
    path_prefix: str | None = None
    method: str | None = None

    def active(self) -> bool:
        """True when any fault is switched on."""
        return bool(
            self.latency
            or self.status
            or self.hang
            or self.lose_response
            or self.malformed
            or self.soap_fault
        )


@dataclass(frozen=True)
class RecordedRequest:
    """One request the simulator received (for tests: what was sent, and where)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def url(self) -> str:
        """Path plus query string, as it appeared on the wire."""
        return self.path + (f"?{self.query}" if self.query else "")


class SimulatorControl:
    """Faults and request log of one simulator; thread-safe (tests run in other threads)."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = faults or Faults()
        self._requests: list[RecordedRequest] = []
        #: set by :class:`SimulatorServer`: stop listening for the given seconds
        self.refuse_for: Callable[[float], None] | None = None

    def set_faults(self, faults: Faults | None = None, **fields: Any) -> None:
        """Switch faults on: ``set_faults(status=503, times=2)``; ``set_faults()`` clears."""
        with self._lock:
            self._faults = faults if faults is not None else Faults(**fields)

    def clear_faults(self) -> None:
        """Behave again."""
        self.set_faults(Faults())

    @property
    def faults(self) -> Faults:
        """The faults in force."""
        with self._lock:
            return self._faults

    def take(self, method: str, path: str) -> Faults | None:
        """The faults for a ``method`` request to ``path`` (counting it against ``times``)."""
        with self._lock:
            faults = self._faults
            if not faults.active():
                return None
            if faults.path_prefix and not path.startswith(faults.path_prefix):
                return None
            if faults.method and faults.method.upper() != method.upper():
                return None
            if faults.times is not None:
                left = faults.times - 1
                self._faults = faults.model_copy(update={"times": left}) if left else Faults()
            return faults

    def record(self, request: RecordedRequest) -> None:
        """Add a request to the log."""
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far (control requests excluded)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self._requests.clear()


async def _send_simple(send: Send, status: int, body: bytes, content_type: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class FaultInjector:
    """ASGI middleware: logs requests and applies the faults of a :class:`SimulatorControl`.

    Args:
        app: the partner app.
        control: faults and request log.
        soap_fault: renders a SOAP fault for a code (UWV); ``None`` for REST partners.
        malformed_type: content type of malformed answers (``application/json``,
            ``text/xml``), so the client must look at the body itself.
    """

    def __init__(
        self,
        app: Asgi,
        control: SimulatorControl,
        *,
        soap_fault: Callable[[str], bytes] | None = None,
        malformed_type: str = "application/json",
    ) -> None:
        self.app = app
        self.control = control
        self.soap_fault = soap_fault
        self.malformed_type = malformed_type

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith("/_"):
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.control.record(
            RecordedRequest(
                method=str(scope["method"]),
                path=str(scope["path"]),
                query=bytes(scope.get("query_string", b"")).decode("latin-1"),
                headers=headers,
                body=body,
            )
        )

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        faults = self.control.take(str(scope["method"]), str(scope["path"]))
        if faults is None:
            await self.app(scope, replay, send)
            return
        await self._faulty(faults, scope, replay, send)

    async def _faulty(self, faults: Faults, scope: Scope, replay: Receive, send: Send) -> None:
        try:
            await self._misbehave(faults, scope, replay, send)
        except asyncio.CancelledError:
            # The server stopped (refusing connections) while we kept a client waiting.
            return

    async def _misbehave(self, faults: Faults, scope: Scope, replay: Receive, send: Send) -> None:
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if faults.hang:
            await asyncio.sleep(faults.hang_seconds)
            await _send_simple(send, 504, b"", "text/plain")
        elif faults.status is not None:
            problem = b'{"title": "gesimuleerde storing", "status": %d}' % faults.status
            await _send_simple(send, faults.status, problem, "application/problem+json")
        elif faults.malformed:
            await _send_simple(send, 200, b'{"half": <kapot', self.malformed_type)
        elif faults.soap_fault is not None and self.soap_fault is not None:
            fault = self.soap_fault(faults.soap_fault)
            await _send_simple(send, 500, fault, "text/xml; charset=utf-8")
        elif faults.lose_response:

            async def discard(message: Message) -> None:
                return None

            await self.app(scope, replay, discard)
            await asyncio.sleep(faults.hang_seconds)
            await _send_simple(send, 504, b"", "text/plain")
        else:
            await self.app(scope, replay, send)


def control_routes(control: SimulatorControl) -> list[BaseRoute]:
    """The ``/_fouten``, ``/_verzoeken`` and ``/_weigeren`` endpoints for ``control``."""

    async def faults(request: Request) -> Response:
        if request.method == "PUT":
            try:
                control.set_faults(Faults.model_validate_json(await request.body()))
            except ValidationError as exc:
                return JSONResponse({"detail": exc.errors(include_input=False)}, status_code=400)
        elif request.method == "DELETE":
            control.clear_faults()
        return JSONResponse(control.faults.model_dump())

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            control.clear_requests()
            return Response(status_code=204)
        return JSONResponse(
            [
                {"method": r.method, "path": r.path, "query": r.query, "body": r.body.decode()}
                for r in control.requests
            ]
        )

    async def refuse(request: Request) -> Response:
        body = await request.json()
        seconds = float(body.get("seconden", 1.0))
        if control.refuse_for is None:
            return JSONResponse({"detail": "not served by SimulatorServer"}, status_code=409)
        # Stopping the server from inside one of its requests: let the answer go first.
        threading.Timer(0.05, control.refuse_for, args=(seconds,)).start()
        return JSONResponse({"seconden": seconds}, status_code=202)

    return [
        Route("/_fouten", faults, methods=["GET", "PUT", "DELETE"]),
        Route("/_verzoeken", requests, methods=["GET", "DELETE"]),
        Route("/_weigeren", refuse, methods=["POST"]),
    ]


@dataclass
class Simulator:
    """A partner simulator: its app (with faults), its control and its partner state."""

    name: str
    app: Asgi
    control: SimulatorControl
    state: Any


def simulator_app(
    name: str,
    routes: list[BaseRoute],
    state: Any,
    faults: Faults | None = None,
    *,
    soap_fault: Callable[[str], bytes] | None = None,
    malformed_type: str = "application/json",
) -> Simulator:
    """Assemble a simulator from the partner's routes and state."""
    control = SimulatorControl(faults)
    inner = Starlette(routes=[*control_routes(control), *routes])
    app = FaultInjector(inner, control, soap_fault=soap_fault, malformed_type=malformed_type)
    return Simulator(name=name, app=app, control=control, state=state)
