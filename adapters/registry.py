"""The contract between adapter workers and adapters: topics, handlers and their errors.

An adapter is one function per topic with a typed input and output::

    class OpvragenIn(JobInput):
        bsn: str

    class OpvragenOut(JobOutput):
        ww_uitkering: bool

    def register(registry: AdapterRegistry, settings: Settings) -> None:
        client = UwvClient(settings)

        @registry.topic("uwv.ww-uitkering-opvragen")
        def opvragen(ctx: JobContext, data: OpvragenIn) -> OpvragenOut:
            return OpvragenOut(ww_uitkering=client.ww(data.bsn, key=ctx.idempotency_key))

The worker builds the input model from the job's variables (unknown variables are
ignored), calls the function and turns its output model into process variables. Errors say
whether to retry:

- :class:`RetryableError` (a partner timeout, a refused connection): retried with backoff per
  the diagram's retry cycle, then an incident;
- :class:`BusinessError` ("BSN unknown at UWV"): thrown as a BPMN error event with its code;
- :class:`PermanentError` (the partner rejects the request for good, the input does not fit
  the model): an incident straight away, no retries;
- any other exception is a technical failure and treated as retryable, so an unexpected bug
  ends up as an incident an operator can retry, not as a lost job;
- an unknown topic is a deploy-time error (:meth:`AdapterRegistry.missing`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError

if TYPE_CHECKING:
    from orchestrator.config import Settings

__all__ = [
    "AdapterError",
    "AdapterRegistry",
    "BusinessError",
    "DuplicateTopic",
    "JobContext",
    "JobInput",
    "JobOutput",
    "NoOutput",
    "PermanentError",
    "RetryableError",
    "Topic",
    "UnknownTopic",
    "load_adapters",
]


class JobInput(BaseModel):
    """Base for a topic's input: built from the job's variables; unknown ones are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class JobOutput(BaseModel):
    """Base for a topic's output: its fields become process variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoOutput(JobOutput):
    """The output of a topic that sets no variables."""


In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


@dataclass(frozen=True)
class JobContext:
    """What a handler knows about the job besides its input.

    Attributes:
        job_id: the job (one external service task activation).
        topic: the topic the job was published on.
        instance_id: the process instance.
        business_key: the journey's business key (dossier / zaak id); never a BSN.
        attempt: 1 for the first attempt, 2 for the first retry, ...
        idempotency_key: stable across attempts and redeliveries of the same job; send it
            to the partner so a retried or redelivered job is done there once.
        process_key: the process definition key, when known.
        element_id: the BPMN service task id, when known.
    """

    job_id: str
    topic: str
    instance_id: str
    business_key: str | None
    attempt: int
    idempotency_key: str
    process_key: str | None = None
    element_id: str | None = None


class AdapterError(Exception):
    """Base of the errors an adapter raises on purpose."""

    #: Whether the worker should report this failure as retryable.
    retryable: bool = False


class RetryableError(AdapterError):
    """A technical failure worth retrying (timeout, connection refused, HTTP 503).

    Args:
        message: what went wrong, without personal data.
        retry_in: wait this long before the next attempt instead of the diagram's interval.
    """

    retryable = True

    def __init__(self, message: str, *, retry_in: timedelta | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_in = retry_in


class PermanentError(AdapterError):
    """A technical failure retrying cannot fix: an incident straight away."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BusinessError(AdapterError):
    """A business outcome the process models as a BPMN error event ("BSN unknown at UWV").

    Args:
        code: the BPMN error code the diagram's boundary event catches.
        message: a human-readable explanation, without personal data.
        variables: process variables to set along with the error.
    """

    def __init__(
        self, code: str, message: str = "", variables: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.variables: dict[str, Any] = dict(variables or {})


class UnknownTopic(LookupError):
    """No handler is registered for a topic (a deploy-time error, never a retry)."""


class DuplicateTopic(ValueError):
    """Two handlers were registered for one topic."""


@dataclass(frozen=True)
class Topic(Generic[In, Out]):
    """One topic: its name, typed input and output, and the function that handles it."""

    name: str
    input_model: type[In]
    output_model: type[Out]
    fn: Callable[[JobContext, In], Out]

    def parse(self, variables: Mapping[str, Any]) -> In:
        """Build the input model from job variables.

        Raises:
            PermanentError: the variables do not fit the input model (the diagram and the
                adapter disagree; retrying will not help). The message names the fields,
                never their values.
        """
        try:
            return self.input_model.model_validate(dict(variables))
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
            raise PermanentError(
                f"job variables do not fit {self.input_model.__name__} for topic "
                f"{self.name}: {', '.join(fields) or 'invalid input'}"
            ) from None

    def run(self, ctx: JobContext, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Parse the input, call the handler and return its output as process variables.

        Raises:
            BusinessError, RetryableError, PermanentError: as raised by the handler.
            Exception: anything else the handler raised (a retryable technical failure).
        """
        output = self.fn(ctx, self.parse(variables))
        if not isinstance(output, self.output_model):
            raise PermanentError(
                f"handler for {self.name} returned {type(output).__name__}, "
                f"not {self.output_model.__name__}"
            )
        return output.model_dump(mode="json")


_TOPIC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass
class AdapterRegistry:
    """Topic name -> handler. Built once at start-up by :func:`load_adapters`."""

    _topics: dict[str, Topic[Any, Any]] = field(default_factory=dict)

    def register(self, topic: Topic[Any, Any]) -> None:
        """Add a topic.

        Raises:
            DuplicateTopic: the topic already has a handler.
            ValueError: the name cannot be a queue name.
        """
        if not _TOPIC_NAME.match(topic.name):
            raise ValueError(f"invalid topic name {topic.name!r}")
        if topic.name in self._topics:
            raise DuplicateTopic(f"topic {topic.name} is registered twice")
        self._topics[topic.name] = topic

    def topic(
        self, name: str
    ) -> Callable[[Callable[[JobContext, In], Out]], Callable[[JobContext, In], Out]]:
        """Decorator registering ``fn(ctx, input) -> output`` for topic ``name``.

        The input and output models are taken from the function's type hints.

        Raises:
            TypeError: the hints are missing or not pydantic models.
        """

        def decorate(fn: Callable[[JobContext, In], Out]) -> Callable[[JobContext, In], Out]:
            input_model, output_model = _models_of(fn)
            self.register(Topic(name, input_model, output_model, fn))
            return fn

        return decorate

    def handler(self, name: str) -> Topic[Any, Any]:
        """The topic ``name``.

        Raises:
            UnknownTopic: nothing handles it.
        """
        try:
            return self._topics[name]
        except KeyError:
            raise UnknownTopic(f"no adapter handles topic {name}") from None

    def topics(self) -> tuple[str, ...]:
        """The registered topic names, sorted."""
        return tuple(sorted(self._topics))

    def missing(self, topics: Iterable[str]) -> list[str]:
        """The topics in ``topics`` that no adapter handles (for deploy-time checks)."""
        return sorted({t for t in topics if t not in self._topics})

    def __contains__(self, name: object) -> bool:
        return name in self._topics

    def __len__(self) -> int:
        return len(self._topics)


def _models_of(fn: Callable[..., Any]) -> tuple[type[BaseModel], type[BaseModel]]:
    try:
        hints = get_type_hints(fn)
    except (NameError, TypeError) as exc:
        raise TypeError(f"cannot resolve the type hints of {fn.__qualname__}: {exc}") from exc
    returned = hints.pop("return", None)
    params = list(hints.values())
    if len(params) != 2:
        raise TypeError(f"{fn.__qualname__} must be typed fn(ctx: JobContext, data: In) -> Out")
    accepted = params[1]
    for what, model in (("input", accepted), ("output", returned)):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"the {what} of {fn.__qualname__} must be a pydantic model")
    return accepted, returned


_ADAPTER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def load_adapters(names: Iterable[str], settings: Settings) -> AdapterRegistry:
    """Import ``adapters.<name>.handlers`` for each name and let it register its topics.

    Each module provides ``register(registry: AdapterRegistry, settings: Settings) -> None``.

    Raises:
        ValueError: a name is not a plain package name.
        ModuleNotFoundError: there is no such adapter.
        TypeError: the module has no ``register`` function.
        DuplicateTopic: two adapters claim one topic.
    """
    registry = AdapterRegistry()
    for raw in names:
        name = raw.strip().replace("-", "_")
        if not name:
            continue
        if not _ADAPTER_NAME.match(name):
            raise ValueError(f"invalid adapter name {raw!r}")
        module: ModuleType = importlib.import_module(f"adapters.{name}.handlers")
        register = getattr(module, "register", None)
        if not callable(register):
            raise TypeError(f"adapters.{name}.handlers has no register(registry, settings)")
        register(registry, settings)
    return registry
