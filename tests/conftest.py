"""Shared fixtures: every test gets its own temporary database; Qt runs offscreen."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import configuration

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_DATA_HOME", "/tmp/hashplan-test-data")  # never touch a real user's data
# Hypothesis's example database lives in the temp folder, not as .hypothesis/ in the checkout.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hashplan-hypothesis")

from desktop.services.demo import load_demo  # noqa: E402  (after the environment is set)
from desktop.services.session import Session, open_session  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings, logs and the default database go to the test's own folder.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("HASHPLAN_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fleet.db"


@pytest.fixture
def session(db_path: Path) -> Iterator[Session]:
    with open_session(db_path) as opened:
        yield opened


@pytest.fixture
def demo_session(session: Session) -> Session:
    load_demo(session)
    return session
