"""The change signal of a server database: LISTEN on a connection of its own.

Every commit that changes Hashplan's tables sends one NOTIFY (schema.py's statement
triggers). The window watches ``fileno()`` with a QSocketNotifier (no polling) and calls
``drain()`` when it is readable; ``version()`` counts the notifications seen, the
PostgreSQL counterpart of SQLite's ``PRAGMA data_version``.
"""

from __future__ import annotations

import threading
from typing import Any

from desktop.server_address import ServerAddress
from desktop.store.pg.schema import CHANGES_CHANNEL


class ChangeListener:
    def __init__(self, address: ServerAddress) -> None:
        from desktop.store.pg.pg_store import connect_raw

        self._raw: Any = connect_raw(address)
        self._raw.execute(f"LISTEN {CHANGES_CHANNEL}")
        self._count = 0
        self.broken = False  # the connection dropped (server restart, network): make a new listener
        self._lock = threading.Lock()

    def fileno(self) -> int:
        return int(self._raw.fileno())

    def drain(self) -> int:
        """Reads the notifications that arrived (never blocks); returns how many."""
        import psycopg

        with self._lock:
            if self._raw.closed or self.broken:
                return 0
            try:
                arrived = sum(1 for _ in self._raw.notifies(timeout=0))
            except psycopg.Error:
                self.broken = True  # a readable socket at EOF: stop reading it
                return 0
            self._count += arrived
            return arrived

    def version(self) -> int:
        self.drain()
        return self._count

    def close(self) -> None:
        with self._lock:
            self._raw.close()
