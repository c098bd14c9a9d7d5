"""The package is installed (``pip install -e '.[dev]'``) and declares its console script."""

from __future__ import annotations

import importlib
from importlib.metadata import distribution, entry_points


def test_package_imports_and_console_script_is_declared() -> None:
    orchestrator = importlib.import_module("orchestrator")
    assert orchestrator.__name__ == "orchestrator"

    dist = distribution("ketenregie")
    assert dist.metadata["Name"] == "ketenregie"

    scripts = entry_points(group="console_scripts", name="ketenregie")
    assert [ep.value for ep in scripts] == ["orchestrator.cli:main"]
