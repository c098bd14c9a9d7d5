"""SpiffWorkflow puts task data on its log records; the composition root silences it."""

from __future__ import annotations

import logging

from orchestrator.application.identity import SYSTEM
from orchestrator.bootstrap import build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram

BSN = "999993653"


def test_no_log_record_carries_the_bsn(tmp_path, caplog):
    clock = ManualClock()
    app = build(Settings(data_dir=tmp_path), engine=SpiffEngine(clock), clock=clock)
    try:
        diagram = Diagram("melding", "Melding").start().user_task("uitvraag", "Uitvraag").end()
        diagram.chain("start", "uitvraag", "end")
        app.deployments.deploy([SourceFile("melding.bpmn", diagram.xml())], SYSTEM)
        with caplog.at_level(logging.DEBUG):
            app.instances.start(
                "melding", actor=SYSTEM, business_key="DOS-1", variables={"bsn": BSN}
            )
        for record in caplog.records:
            assert BSN not in record.getMessage()
            assert BSN not in repr(vars(record))
    finally:
        app.close()
