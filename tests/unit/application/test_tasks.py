"""Worklists, claims, hand-overs and completion (fake engine, SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.tasks import TaskQuery
from orchestrator.domain.errors import Conflict, Forbidden, NotFound
from tests.unit.application.fakes import diagram

WERKCOACH = Actor("wim", organisation="werkbedrijf", groups=frozenset({"werkcoach"}))


@pytest.fixture
def task(app, poortwachter):
    app.deployments.deploy(
        [
            diagram(
                "klantreis",
                {
                    "type": "user",
                    "element": "Beoordelen",
                    "groups": ["poortwachter"],
                    "due_days": 3,
                },
                {"type": "user", "element": "Gesprek", "lane": "Werkcoach"},
            )
        ],
        SYSTEM,
    )
    app.instances.start("klantreis", actor=poortwachter, business_key="Z-7")
    return app.tasks.worklist(poortwachter)[0]


def test_task_is_indexed_with_organisation_and_form(task):
    assert task.element_id == "Beoordelen"
    assert task.organisation == "gemeente"
    assert task.business_key == "Z-7"
    assert task.form == {"key": None, "fields": []}


def test_worklist_shows_only_visible_tasks_and_filters(app, task, poortwachter, beheer, clock):
    assert app.tasks.worklist(WERKCOACH) == []
    assert [t.id for t in app.tasks.worklist(beheer)] == [task.id]
    due_later = TaskQuery(due_after=clock.now() + timedelta(days=4))
    assert app.tasks.worklist(poortwachter, due_later) == []
    by_group = TaskQuery(candidate_groups=("poortwachter",), organisation="gemeente")
    assert [t.id for t in app.tasks.worklist(beheer, by_group)] == [task.id]
    assert app.tasks.worklist(beheer, TaskQuery(business_key="Z-8")) == []
    with pytest.raises(Forbidden):
        app.tasks.get(task.id, WERKCOACH)
    with pytest.raises(ValueError):
        app.tasks.worklist(beheer, TaskQuery(sort="bsn"))


def test_claim_rules(app, task, poortwachter):
    collega = Actor("carla", groups=frozenset({"poortwachter"}))
    with pytest.raises(Forbidden):
        app.tasks.claim(task.id, WERKCOACH)
    claimed = app.tasks.claim(task.id, poortwachter)
    assert claimed.assignee == "anna"
    assert app.tasks.claim(task.id, poortwachter).assignee == "anna"  # idempotent
    with pytest.raises(Conflict):
        app.tasks.claim(task.id, collega)
    with pytest.raises(Forbidden):
        app.tasks.unclaim(task.id, collega)
    assert app.tasks.unclaim(task.id, poortwachter).assignee is None
    assert app.tasks.claim(task.id, collega).assignee == "carla"
    with pytest.raises(Conflict):
        app.tasks.complete(task.id, {}, poortwachter)


def test_hand_over_to_group_changes_worklist_and_survives_next_step(app, task, poortwachter):
    handed = app.tasks.hand_over(task.id, poortwachter, to_group="werkcoach")
    assert handed.organisation == "werkbedrijf"
    assert [t.id for t in app.tasks.worklist(WERKCOACH)] == [task.id]
    assert app.tasks.worklist(poortwachter) == []
    to_user = app.tasks.hand_over(task.id, WERKCOACH, to_user="wim")
    assert to_user.assignee == "wim"
    with pytest.raises(ValueError):
        app.tasks.hand_over(task.id, WERKCOACH)


def test_complete_advances_and_second_completion_conflicts(app, task, poortwachter):
    view = app.tasks.complete(task.id, {"besluit": "ja"}, poortwachter)
    assert view.variables == {"besluit": "ja"} and view.version == 2
    with pytest.raises(Conflict):
        app.tasks.complete(task.id, {}, poortwachter)
    with pytest.raises(NotFound):
        app.tasks.complete("nope", {}, poortwachter)
    next_task = app.tasks.worklist(WERKCOACH)[0]
    assert next_task.element_id == "Gesprek" and next_task.organisation == "werkbedrijf"
    done = app.tasks.complete(next_task.id, {}, WERKCOACH)
    assert done.status == "completed"
    actions = [e.action for e in app.audit.for_instance(done.id)]
    assert actions == [
        "instance.started",
        "task.completed",
        "task.completed",
        "instance.completed",
    ]
    completed = [e for e in app.audit.for_instance(done.id) if e.action == "task.completed"]
    assert completed[0].details == {"variables": ["besluit"]}  # names, never values
