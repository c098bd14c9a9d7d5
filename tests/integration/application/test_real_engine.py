"""Smoke test of the application layer on the real SpiffWorkflow engine (both backends)."""

from __future__ import annotations

from datetime import timedelta

from orchestrator.application.identity import SYSTEM
from orchestrator.bootstrap import build
from orchestrator.config import Settings
from orchestrator.engine import runner
from orchestrator.engine.contract import SourceFile
from tests.support import bpmn


def _diagram() -> SourceFile:
    diagram = (
        bpmn.Diagram("aanvraag", "Aanvraag")
        .start()
        .user_task("beoordelen", "Beoordelen", groups="poortwachter")
        .boundary("te_laat", "beoordelen", timer=("timeDuration", "P14D"))
        .external("registreren", "uwv.registreren")
        .end()
        .end("einde_laat")
        .flow("start", "beoordelen")
        .flow("beoordelen", "registreren")
        .flow("registreren", "end")
        .flow("te_laat", "einde_laat")
    )
    return SourceFile("aanvraag.bpmn", diagram.xml())


def test_task_job_and_timer_on_the_real_engine(migrated_url, tmp_path, clock, poortwachter):
    settings = Settings(data_dir=tmp_path, database_url=migrated_url)
    app = build(settings, engine=runner.SpiffEngine(clock), clock=clock, migrate=False)
    try:
        report = app.deployments.deploy([_diagram()], SYSTEM)
        assert [d.version for d in report.deployed] == [1]
        assert app.deployments.deploy([_diagram()], SYSTEM).deployment_id is None

        first = app.instances.start("aanvraag", actor=poortwachter, business_key="Z-1")
        [task] = app.tasks.worklist(poortwachter)
        assert (task.element_id, task.organisation) == ("beoordelen", "gemeente")
        app.tasks.complete(task.id, {"ok": True}, poortwachter)
        [job] = app.jobs.fetch_and_lock("uwv.registreren", "w1")
        app.jobs.complete(job.id, "w1", {"uwv": "U1"})
        assert app.instances.get(first.id).status == "completed"

        late = app.instances.start("aanvraag", actor=poortwachter, business_key="Z-2")
        clock.advance(timedelta(days=15))
        assert app.timers.fire_due_timers() == 1
        assert app.instances.get(late.id).status == "completed"
        assert app.tasks.worklist(poortwachter) == []
    finally:
        app.close()
