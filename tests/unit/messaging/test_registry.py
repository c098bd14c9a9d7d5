"""The adapter contract: typed topics, the decorator, errors that say whether to retry."""

from __future__ import annotations

import sys
import types

import pytest

from adapters.registry import (
    AdapterRegistry,
    BusinessError,
    DuplicateTopic,
    JobContext,
    JobInput,
    JobOutput,
    NoOutput,
    PermanentError,
    RetryableError,
    UnknownTopic,
    load_adapters,
)


class Opvragen(JobInput):
    dossier: str
    jaar: int = 2026


class Uitkering(JobOutput):
    ww_uitkering: bool
    bedrag: float


def _ctx(topic: str = "uwv.ww-uitkering-opvragen", attempt: int = 1) -> JobContext:
    return JobContext(
        job_id="job-1",
        topic=topic,
        instance_id="inst-1",
        business_key="DOS-2026-0001",
        attempt=attempt,
        idempotency_key="job-1",
    )


def test_decorator_derives_models_and_runs_handler() -> None:
    registry = AdapterRegistry()
    seen: list[tuple[str, str]] = []

    @registry.topic("uwv.ww-uitkering-opvragen")
    def opvragen(ctx: JobContext, data: Opvragen) -> Uitkering:
        seen.append((ctx.idempotency_key, data.dossier))
        return Uitkering(ww_uitkering=True, bedrag=1234.5)

    topic = registry.handler("uwv.ww-uitkering-opvragen")
    assert topic.input_model is Opvragen
    assert topic.output_model is Uitkering
    assert registry.topics() == ("uwv.ww-uitkering-opvragen",)
    assert "uwv.ww-uitkering-opvragen" in registry

    out = topic.run(_ctx(), {"dossier": "D1", "klantnaam": "ignored", "extra": [1, 2]})
    assert out == {"ww_uitkering": True, "bedrag": 1234.5}
    assert seen == [("job-1", "D1")]
    assert opvragen(_ctx(), Opvragen(dossier="D2")).ww_uitkering  # still a plain function


def test_input_that_does_not_fit_is_permanent_and_names_fields_not_values() -> None:
    registry = AdapterRegistry()

    @registry.topic("t")
    def handle(ctx: JobContext, data: Opvragen) -> NoOutput:
        return NoOutput()

    with pytest.raises(PermanentError) as info:
        registry.handler("t").run(_ctx("t"), {"dossier": "D", "jaar": "123456782-not-int"})
    assert "jaar" in str(info.value)
    assert "123456782" not in str(info.value)
    assert not info.value.retryable


def test_wrong_output_type_is_permanent() -> None:
    registry = AdapterRegistry()

    @registry.topic("t")
    def handle(ctx: JobContext, data: Opvragen) -> Uitkering:
        return NoOutput()  # type: ignore[return-value]

    with pytest.raises(PermanentError):
        registry.handler("t").run(_ctx("t"), {"dossier": "D"})


def test_errors_say_whether_to_retry() -> None:
    assert RetryableError("timeout").retryable
    assert not PermanentError("rejected").retryable
    business = BusinessError("BSN_ONBEKEND", "BSN unknown at UWV", {"bekend": False})
    assert not business.retryable
    assert business.code == "BSN_ONBEKEND"
    assert business.variables == {"bekend": False}


def test_unknown_topic_and_duplicates_and_missing() -> None:
    registry = AdapterRegistry()

    @registry.topic("a.b")
    def handle(ctx: JobContext, data: Opvragen) -> NoOutput:
        return NoOutput()

    with pytest.raises(UnknownTopic):
        registry.handler("nope")
    with pytest.raises(DuplicateTopic):
        registry.topic("a.b")(handle)
    assert registry.missing(["a.b", "x.y", "x.y"]) == ["x.y"]
    with pytest.raises(ValueError, match="invalid topic"):
        registry.topic("bad name/with slash")(handle)


def test_untyped_handlers_are_refused() -> None:
    registry = AdapterRegistry()

    def untyped(ctx, data):  # type: ignore[no-untyped-def]
        return None

    with pytest.raises(TypeError):
        registry.topic("t")(untyped)

    def not_models(ctx: JobContext, data: dict) -> dict:  # type: ignore[type-arg]
        return data

    with pytest.raises(TypeError):
        registry.topic("t")(not_models)


def test_load_adapters_imports_handlers_and_calls_register(monkeypatch) -> None:
    from orchestrator.config import Settings

    package = types.ModuleType("adapters.testpartner")
    package.__path__ = []
    handlers = types.ModuleType("adapters.testpartner.handlers")

    def register(registry: AdapterRegistry, settings: Settings) -> None:
        @registry.topic("testpartner.ping")
        def ping(ctx: JobContext, data: Opvragen) -> NoOutput:
            return NoOutput()

    handlers.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "adapters.testpartner", package)
    monkeypatch.setitem(sys.modules, "adapters.testpartner.handlers", handlers)

    registry = load_adapters(["testpartner", " "], Settings())
    assert registry.topics() == ("testpartner.ping",)
    with pytest.raises(ValueError):
        load_adapters(["../etc"], Settings())
    with pytest.raises(ModuleNotFoundError):
        load_adapters(["does_not_exist"], Settings())
