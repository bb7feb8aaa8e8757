"""The month's measured figures from the daily rollups (the report's, and `summary --json`'s).

Apart from store/measured.py so that reading them imports none of the miners' records.
"""

from __future__ import annotations

from desktop.store.store import Store


def month_measured(store: Store, start: int, end: int, site_id: int | None) -> tuple[int, float, int, int]:
    """From the kept-forever daily rollups in [start, end): (days polled, operating TH/s
    averaged over those days and summed over sites, 5-minute windows, windows hashing)."""
    where, params = "step = 86400 AND bucket >= ? AND bucket < ?", (start, end)
    params_of: tuple[int, ...] = params
    if site_id is not None:
        where, params_of = where + " AND data_center_id = ?", (*params, site_id)
    with store._lock:  # the Store's connection is shared with worker threads
        days = store.conn.execute(
            f"SELECT bucket, SUM(measured_ths / polls), SUM(windows), SUM(windows_hashing) FROM site_rollups "
            f"WHERE {where} GROUP BY bucket ORDER BY bucket",
            params_of,
        ).fetchall()
    if not days:
        return 0, 0.0, 0, 0
    ths = sum(float(d[1] or 0.0) for d in days) / len(days)
    return len(days), ths, sum(int(d[2] or 0) for d in days), sum(int(d[3] or 0) for d in days)
