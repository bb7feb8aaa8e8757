"""The only code that talks SQL: connection, schema and migrations, repositories, audit."""

from desktop.store.store import Store

__all__ = ["Store"]
