"""Errors the application layer adds to the product's error tree."""

from __future__ import annotations

from orchestrator.domain.errors import KetenregieError


class EngineStepFailed(KetenregieError):
    """The diagram could not proceed; the state was kept and an incident was recorded."""

    code = "engine-failure"

    def __init__(self, message: str, *, incident_id: str, element_id: str | None) -> None:
        super().__init__(message)
        self.incident_id = incident_id
        self.element_id = element_id


class IncidentRaised(KetenregieError):
    """A BPMN error nobody catches: the job became an incident."""

    code = "bpmn-error"

    def __init__(self, message: str, *, incident_id: str) -> None:
        super().__init__(message)
        self.incident_id = incident_id
