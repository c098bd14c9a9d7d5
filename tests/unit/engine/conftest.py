from __future__ import annotations

import pytest

from orchestrator.engine.runner import SpiffEngine
from tests.unit.engine.helpers import engine_at


@pytest.fixture
def engine() -> SpiffEngine:
    """An engine on a manual clock set in 2030: any timer reading the wall clock shows."""
    return engine_at(2030)
