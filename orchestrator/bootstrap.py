"""Composition root: settings + engine + clock -> the wired application services.

Nothing here runs at import time; :func:`build` opens the database (and migrates it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import structlog

from orchestrator.application.audit import AuditService
from orchestrator.application.deploy import DeployService
from orchestrator.application.incidents import IncidentService
from orchestrator.application.instances import InstanceService
from orchestrator.application.jobs import JobService
from orchestrator.application.messages import MessageService
from orchestrator.application.runtime import Runtime
from orchestrator.application.tasks import TaskService
from orchestrator.application.timers import TimerService
from orchestrator.config import Settings
from orchestrator.domain.clock import Clock
from orchestrator.engine.contract import ProcessEngine
from orchestrator.store import Store, create_db_engine, upgrade

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Container:
    """Every service of one running application, sharing one store, engine and clock."""

    settings: Settings
    store: Store
    engine: ProcessEngine
    clock: Clock
    runtime: Runtime
    deployments: DeployService
    instances: InstanceService
    tasks: TaskService
    timers: TimerService
    messages: MessageService
    jobs: JobService
    incidents: IncidentService
    audit: AuditService

    def close(self) -> None:
        """Release database connections."""
        self.store.dispose()


def build(
    settings: Settings, *, engine: ProcessEngine, clock: Clock, migrate: bool = True
) -> Container:
    """Wire the application.

    Args:
        settings: validated settings.
        engine: the process engine (the real one, or a fake in tests).
        clock: the clock every timer decision reads.
        migrate: bring the schema to the newest Alembic revision first.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # SpiffWorkflow attaches task data (a BSN among it) to its INFO/DEBUG log records; no
    # log line of ours may carry personal data, so its loggers speak only of problems.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    db = create_db_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    if migrate:
        upgrade(settings.database_url, engine=db)
    store = Store(db)
    runtime = Runtime(store, engine, clock, settings)
    log.info("container.built", backend=db.dialect.name)
    return Container(
        settings=settings,
        store=store,
        engine=engine,
        clock=clock,
        runtime=runtime,
        deployments=DeployService(runtime),
        instances=InstanceService(runtime),
        tasks=TaskService(runtime),
        timers=TimerService(runtime),
        messages=MessageService(runtime),
        jobs=JobService(runtime),
        incidents=IncidentService(runtime),
        audit=AuditService(runtime),
    )


def build_default(settings: Settings, *, clock: Clock | None = None) -> Container:
    """Wire the application as it runs for real: the SpiffWorkflow engine and the wall clock.

    Creates ``settings.data_dir`` when it is missing and migrates the database.

    Args:
        settings: validated settings.
        clock: the clock to use instead of :class:`~orchestrator.domain.clock.SystemClock`
            (a ``ManualClock`` for demos and tests that travel in time).
    """
    # Imported here: SpiffWorkflow is slow to import and `ketenregie --help` needs none of it.
    from orchestrator.domain.clock import SystemClock
    from orchestrator.engine.runner import SpiffEngine

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    chosen: Clock = clock if clock is not None else SystemClock()
    return build(settings, engine=SpiffEngine(chosen), clock=chosen)
