"""Prometheus metrics: request latency, and counts read from the store on each scrape.

Each application has its own registry (nothing global), so several apps in one process
(tests) do not mix their figures. Served from several processes (``serve --api-processes``)
the per-process figures (request latency, SQLite group commits) are added up over all of
them through prometheus_client's multiprocess files (:mod:`.process_metrics`); the counts
from the store are the same whichever process computes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from orchestrator.api.deps import PROBLEM_RESPONSES, CtxDep
from orchestrator.api.process_metrics import GroupCommitCounters, require_multiprocess
from orchestrator.application.queries import QueryService
from orchestrator.store.uow import Store

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class StoreCollector(Collector):
    """Counts from the store, computed when Prometheus scrapes.

    ``group_commits`` False leaves the group commit counters out (another collector
    reports them summed over processes).
    """

    def __init__(self, queries: QueryService, store: Store, *, group_commits: bool = True) -> None:
        self._queries = queries
        self._store = store
        self._group_commits = group_commits

    def describe(self) -> Iterable[Metric]:
        return []  # no scrape at registration time

    def collect(self) -> Iterable[Metric]:
        stats = self._queries.stats()
        instances = GaugeMetricFamily(
            "ketenregie_instances",
            "Process instances by process and status",
            labels=["process_key", "status"],
        )
        for (key, status), count in sorted(stats.instances.items()):
            instances.add_metric([key, status], count)
        tasks = GaugeMetricFamily(
            "ketenregie_open_tasks",
            "Open human tasks by candidate group",
            labels=["candidate_group"],
        )
        for group, count in sorted(stats.open_tasks.items()):
            tasks.add_metric([group], count)
        timers = GaugeMetricFamily("ketenregie_due_timers", "Timers whose time has come")
        timers.add_metric([], stats.due_timers)
        incidents = GaugeMetricFamily(
            "ketenregie_open_incidents", "Open incidents by kind", labels=["kind"]
        )
        for kind, count in sorted(stats.incidents.items()):
            incidents.add_metric([kind], count)
        jobs = GaugeMetricFamily(
            "ketenregie_jobs", "External-task jobs by status", labels=["status"]
        )
        for status, count in sorted(stats.jobs.items()):
            jobs.add_metric([status], count)
        outcomes = CounterMetricFamily(
            "ketenregie_job_outcomes",
            "Job completions, failures and BPMN errors",
            labels=["outcome"],
        )
        for action, count in sorted(stats.job_outcomes.items()):
            outcomes.add_metric([action.removeprefix("job.")], count)
        return [instances, tasks, timers, incidents, jobs, outcomes, *self._commits()]

    def _commits(self) -> list[Metric]:
        """Group commit on SQLite: how many writes shared a transaction (and its fsync)."""
        counts = self._store.group_commits() if self._group_commits else None
        if counts is None:
            return []
        transactions, writes = counts
        commits = CounterMetricFamily(
            "ketenregie_db_group_commits", "SQLite transactions committed for groups of writes"
        )
        commits.add_metric([], transactions)
        grouped = CounterMetricFamily(
            "ketenregie_db_grouped_writes", "Units of work committed in those transactions"
        )
        grouped.add_metric([], writes)
        return [commits, grouped]


class Metrics:
    """The registry of one application.

    Args:
        queries: the store's read side (counts per scrape).
        store: the store (its group commit totals).
        multiprocess_dir: the directory of prometheus_client's multiprocess files when this
            process is one of several serving the API; None: this process alone.
    """

    def __init__(
        self, queries: QueryService, store: Store, *, multiprocess_dir: Path | None = None
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._shared: GroupCommitCounters | None = None
        if multiprocess_dir is not None:
            from prometheus_client.multiprocess import MultiProcessCollector

            require_multiprocess(multiprocess_dir)
            # this process's histogram goes to the files only; a scrape reads every file
            MultiProcessCollector(self.registry, path=str(multiprocess_dir))  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
            self._shared = GroupCommitCounters.of(store)
        self.latency = Histogram(
            "ketenregie_http_request_duration_seconds",
            "HTTP request latency",
            labelnames=["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=None if multiprocess_dir is not None else self.registry,
        )
        self.registry.register(
            StoreCollector(queries, store, group_commits=multiprocess_dir is None)
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route, str(status)).observe(seconds)
        if self._shared is not None:
            # every write of an API process is part of a request that ends here, after
            # its commit: the shared totals are complete once the requests are
            self._shared.sync()

    def exposition(self) -> bytes:
        """The Prometheus text of a scrape."""
        if self._shared is not None:
            self._shared.sync()
        return generate_latest(self.registry)


def router(metrics: Metrics) -> APIRouter:
    """The ``/metrics`` route (callers need role monitoring, operator, beheerder or
    procesbeheerder)."""
    routes = APIRouter(tags=["metrics"], responses=PROBLEM_RESPONSES)

    @routes.get(
        "/metrics",
        response_class=Response,
        responses={
            200: {
                "content": {CONTENT_TYPE_LATEST.split(";")[0]: {}},
                "description": "Prometheus text",
            }
        },
        summary="Prometheus metrics",
    )
    def scrape(ctx: CtxDep) -> Response:
        ctx.policy.require(ctx.policy.can_read_metrics(ctx.principal), "read metrics")
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return routes
