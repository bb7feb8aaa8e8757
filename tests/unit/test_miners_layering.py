"""The layers of measured hash rate hold: desktop/miners has no Qt and no SQL; the window's
measured-hash-rate code reaches the data through services only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2] / "desktop"
UI_MEASURED = [
    "ui/measured_view.py",
    "ui/panels/measured_panel.py",
    "ui/workers/measured_poller.py",
    "ui/dialogs/miners_dialog.py",
    "ui/models/miner_table_model.py",
]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "miners").glob("*.py")), ids=lambda p: p.name)
def test_the_miners_package_imports_no_qt_and_no_sql(path: Path) -> None:
    bad = {m for m in _imports(path) if m.split(".")[0] in ("PySide6", "sqlite3", "sqlite_utils", "pyqtgraph")}
    bad |= {m for m in _imports(path) if m.startswith(("desktop.store", "desktop.ui", "desktop.services"))}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("name", UI_MEASURED)
def test_the_windows_measured_code_uses_services_not_the_store(name: str) -> None:
    imports = _imports(ROOT / name)
    assert not {m for m in imports if m.startswith("desktop.store") or m == "sqlite3"}
