"""Reading the audit trail (History, the import's undo): a mixin of Store, beside its writes."""

from __future__ import annotations

import json

from desktop.frozen import frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any


@frozen
class AuditEntry:
    id: int
    at: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditReads:
    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError  # Store's

    def audit_entries(
        self, entity: str | None = None, entity_id: int | None = None, *, newest: int | None = None
    ) -> list[AuditEntry]:
        """Oldest first; ``newest``: only that many of the latest (a fleet's audit is big)."""
        sql = "SELECT * FROM audit"
        params: tuple[Any, ...] = ()
        if entity is not None:
            sql, params = sql + " WHERE entity = ? AND entity_id = ?", (entity, entity_id)
        if newest is not None:
            sql, params = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) AS newest", (*params, newest)
        return self._audit_rows(sql + " ORDER BY id", params)

    def count_audit_entries(self) -> int:
        return int(self._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"])

    def batch_audit_entries(self, batch_id: int) -> list[AuditEntry]:
        """A batch's audit rows and its events', oldest first, read by key: parsing every row of
        a fleet's audit (100,000 rows, an import's summary among them) took 6 s for one batch."""
        return self._audit_rows(
            "SELECT * FROM audit WHERE entity = 'batch' AND entity_id = ? "
            "UNION ALL SELECT * FROM audit WHERE entity = 'batch_event' "
            "AND (json_extract(before, '$.batch_id') = ? OR json_extract(after, '$.batch_id') = ?) ORDER BY id",
            (batch_id, batch_id, batch_id),
        )

    def _audit_rows(self, sql: str, params: tuple[Any, ...]) -> list[AuditEntry]:
        return [
            AuditEntry(
                id=r["id"],
                at=r["at"],
                action=r["action"],
                entity=r["entity"],
                entity_id=r["entity_id"],
                before=json.loads(r["before"]) if r["before"] else None,
                after=json.loads(r["after"]) if r["after"] else None,
            )
            for r in self._rows(sql, params)
        ]
