"""Repositories on both backends: optimistic locking, SKIP LOCKED, times, worklist index."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orchestrator.domain.errors import Conflict
from orchestrator.store import Store, TaskFilter, create_db_engine
from orchestrator.store.records import (
    DeploymentRecord,
    HumanTaskRecord,
    InstanceRecord,
    ProcessDefinitionRecord,
    TimerRecord,
)

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def store(migrated_url):
    store = Store(create_db_engine(migrated_url))
    yield store
    store.dispose()


def _instance(store: Store) -> InstanceRecord:
    with store.uow() as uow:
        uow.blobs.put("h" * 64, "bundle", "{}", NOW)
        uow.blobs.put("s" * 64, "bpmn", "<xml/>", NOW)
        uow.deployments.add(DeploymentRecord("d1", "d", "anna", None, NOW, []))
        uow.definitions.add_process(
            ProcessDefinitionRecord(
                "p:1", "p", 1, None, "d1", "h" * 64, "s" * 64, "p.bpmn", [], None, NOW
            )
        )
        record = InstanceRecord(
            id=str(uuid.uuid4()),
            definition_id="p:1",
            process_key="p",
            process_version=1,
            bundle_hash="h" * 64,
            business_key="Z-1",
            status="running",
            state="{}",
            serializer_version=1,
            version=1,
            variables={"a": 1},
            started_at=NOW,
            ended_at=None,
            started_by="anna",
        )
        uow.instances.add(record)
        uow.commit()
    return record


def test_blobs_are_stored_once(store):
    _instance(store)
    with store.uow() as uow:
        uow.blobs.put("h" * 64, "bundle", "{}", NOW)  # no error: ON CONFLICT DO NOTHING
        assert uow.blobs.get("h" * 64) == "{}"
        assert uow.blobs.get("x" * 64) is None


def test_stale_version_raises_conflict(store):
    record = _instance(store)
    with store.uow() as uow:
        uow.instances.update(replace(record, version=2, state="a"), expected_version=1)
        uow.commit()
    with store.uow() as uow, pytest.raises(Conflict):
        uow.instances.update(replace(record, version=2, state="b"), expected_version=1)
    with store.uow(read_only=True) as uow:
        stored = uow.instances.get(record.id)
    assert (stored.state, stored.version) == ("a", 2)


def test_update_with_or_without_a_status_change(store):
    record = _instance(store)
    assert record.status == "running"
    with store.uow() as uow:  # the status as read is kept: the status column is left out
        uow.instances.update(
            replace(record, version=2, state="a"), expected_version=1, previous_status="running"
        )
        uow.commit()
    with store.uow() as uow, pytest.raises(Conflict):
        uow.instances.update(
            replace(record, version=2, state="b"), expected_version=1, previous_status="running"
        )
    with store.uow() as uow:
        uow.instances.update(
            replace(record, version=3, state="c", status="completed"),
            expected_version=2,
            previous_status="running",
        )
        uow.commit()
    with store.uow(read_only=True) as uow:
        stored = uow.instances.get(record.id)
        assert (stored.state, stored.status, stored.version) == ("c", "completed", 3)
        assert [i.id for i in uow.instances.find(status="completed")] == [record.id]


def test_times_round_trip_as_aware_utc(store):
    record = _instance(store)
    with store.uow(read_only=True) as uow:
        assert uow.instances.get(record.id).started_at == NOW


def test_uncommitted_work_is_rolled_back(store):
    record = _instance(store)
    with store.uow() as uow:
        uow.instances.update(replace(record, version=2), expected_version=1)
    with store.uow(read_only=True) as uow:
        assert uow.instances.get(record.id).version == 1


def test_worklist_index_queries(store):
    record = _instance(store)
    base = HumanTaskRecord(
        id="t1",
        instance_id=record.id,
        element_id="Beoordelen",
        name="B",
        lane=None,
        candidate_groups=["poortwachter"],
        candidate_users=[],
        assignee=None,
        due_at=NOW + timedelta(days=1),
        organisation="gemeente",
        business_key="Z-1",
        process_key="p",
        process_version=1,
        form={},
        created_at=NOW,
        claimed_at=None,
    )
    with store.uow() as uow:
        uow.tasks.add(base)
        uow.tasks.add(
            replace(base, id="t2", candidate_groups=[], candidate_users=["wim"], due_at=None)
        )
        uow.tasks.claim("t1", "anna", NOW)
        with pytest.raises(Conflict):
            uow.tasks.claim("t1", "carla", NOW)
        uow.commit()
    with store.uow(read_only=True) as uow:

        def ids(**criteria: Any) -> list[str]:
            return [t.id for t in uow.tasks.query(TaskFilter(**criteria))]

        assert ids(candidate_groups=("poortwachter",)) == ["t1"]
        assert ids(candidate_user="wim") == ["t2"]
        assert ids(visible_to_user="anna", visible_to_groups=()) == ["t1"]
        assert ids(visible_to_user="x", visible_to_groups=("poortwachter",)) == ["t1"]
        assert ids(unassigned=True) == ["t2"]
        assert ids(sort="due_at") == ["t1", "t2"]  # no due date sorts last
        assert ids(sort="-due_at") == ["t1", "t2"]
        assert ids(due_before=NOW + timedelta(days=2)) == ["t1"]
        assert ids(limit=1, offset=1) == ["t2"]
    with store.uow() as uow:
        uow.tasks.delete(["t1", "t2"])
        uow.commit()


@pytest.mark.postgres
def test_due_timers_are_split_between_concurrent_transactions(store):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL; SQLite serializes writers instead")
    record = _instance(store)
    with store.uow() as uow:
        for n in range(3):
            uow.timers.add(
                TimerRecord(
                    f"tm{n}", record.id, f"t{n}", "W", NOW - timedelta(minutes=n), None, None
                )
            )
        uow.commit()
    first_locked = threading.Event()
    release = threading.Event()

    def hold_two() -> None:
        with store.uow() as uow:
            assert len(uow.timers.acquire_due(NOW, 2)) == 2
            first_locked.set()
            release.wait(5)

    holder = threading.Thread(target=hold_two)
    holder.start()
    first_locked.wait(5)
    with store.uow() as uow:
        rest = uow.timers.acquire_due(NOW, 10)
    release.set()
    holder.join()
    assert [t.id for t in rest] == ["tm0"]  # the latest-due one; the two earliest are locked
