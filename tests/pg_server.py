"""A throwaway PostgreSQL cluster for the tests and benchmarks: initdb in a temporary folder,
listening only on a Unix socket there (listen_addresses='': a busy port never breaks a run),
fsync off. PostgreSQL refuses to run as root, so as root it runs as ``nobody`` (runuser).

One database per test, copied from a template the app set up once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

Rows = dict[str, list[tuple[Any, ...]]]

_BIN_DIRS = ["/usr/local/bin", *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def find_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in _BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return None


def available() -> bool:
    return find_tool("initdb") is not None and find_tool("pg_ctl") is not None


class PgCluster:
    """Started by ``start()``, stopped (and its folder removed) by ``stop()``."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hashplan-pg-"))
        self.data = self.folder / "data"
        self._counter = itertools.count(1)
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "nobody", "--"]
            os.chown(self.folder, 65534, 65534)
        self.folder.chmod(0o700)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> PgCluster:
        initdb, pg_ctl = find_tool("initdb"), find_tool("pg_ctl")
        assert initdb and pg_ctl, "PostgreSQL's initdb and pg_ctl are not installed"
        self._run(initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.folder} -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
        )
        self._run(pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        self.admin("CREATE DATABASE hashplan_template")
        # The template holds what opening an empty server database makes (schema, catalog), made
        # here by the app itself once: a test's database is a copy (a migration each would cost ~0.5 s).
        from desktop.services.session import open_session

        open_session(self.url("hashplan_template")).close()
        return self

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@/{database}?host={self.folder}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def login(self, url: str, role: str, user: str) -> str:
        """``url`` as the login ``user`` (made if missing) holding ``role``, as an administrator
        would set a colleague up: ``GRANT role TO user``."""
        self.admin(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{user}') "
                   f"THEN CREATE ROLE {user} LOGIN; END IF; END $$")  # fmt: skip
        self.admin(f"GRANT {role} TO {user}")
        return url.replace("postgresql://postgres@", f"postgresql://{user}@")

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        name = f"t{os.getpid()}_{next(self._counter)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE hashplan_template")
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = find_tool("pg_ctl")
        if pg_ctl and self.data.exists():
            subprocess.run([*self._as_user, pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def server_rows(address: object, *, skip: tuple[str, ...] = (), drop_columns: tuple[str, ...] = ()) -> Rows:
    """Every row of every table of a server database (sorted), read on a connection of its own:
    what the tests compare before and after, as they read a SQLite file's tables."""
    import psycopg

    result: Rows = {}
    with psycopg.connect(getattr(address, "url", str(address))) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE'")]  # fmt: skip
        for table in sorted(tables):
            if table in skip:
                continue
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s ORDER BY ordinal_position", (table,)) if r[0] not in drop_columns]  # fmt: skip
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()  # type: ignore[arg-type]
            result[table] = sorted(rows, key=repr)
    return result


def main() -> None:
    """``python -m tests.pg_server``: a local cluster as the tests start it, for trying the team
    store by hand; prints an administrator's URL and stops (removing everything) on Ctrl-C."""
    import signal

    cluster = PgCluster().start()
    cluster.admin("CREATE DATABASE fleet")
    print(cluster.url("fleet"), flush=True)
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        cluster.stop()


if __name__ == "__main__":
    import signal

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    main()
