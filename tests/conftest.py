"""Shared fixtures: every test gets its own temporary database; Qt runs offscreen."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import configuration

from tests import pg_server
from tests.pg_server import PgCluster

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_DATA_HOME", "/tmp/hashplan-test-data")  # never touch a real user's data
# Hypothesis's example database lives in the temp folder, not as .hypothesis/ in the checkout.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hashplan-hypothesis")

from desktop.server_address import ServerAddress  # noqa: E402  (after the environment is set)
from desktop.services.demo import load_demo  # noqa: E402
from desktop.services.session import Session, open_session  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings, logs and the default database go to the test's own folder.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("HASHPLAN_DB", raising=False)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the run (started when a test first needs it)."""
    if not pg_server.available():
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed; .ci/run installs it")
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite", or "postgresql" for the tests of a module marked both_backends (run twice)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_path(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path:
    """The test's database: a file, or (PostgreSQL run) a fresh server database's address."""
    if backend == "postgresql":
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        return ServerAddress(cluster.new_database())  # type: ignore[return-value]
    return tmp_path / "fleet.db"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # The store, service and command-line suites run on both backends: a module (or test)
    # marked both_backends gets each of its database tests twice; sqlite_only opts one out.
    if (
        "backend" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("both_backends")
        and not metafunc.definition.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def session(db_path: Path) -> Iterator[Session]:
    with open_session(db_path) as opened:
        yield opened


@pytest.fixture
def demo_session(session: Session) -> Session:
    load_demo(session)
    return session
