"""A site's facility investment and its electricity prices (tables of migration 4).

Writes run inside ``Store.write`` and are audited like every other change.
"""

from __future__ import annotations

from datetime import date

from desktop.store.store import Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any


def _rows(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with store._lock:  # the Store's connection is shared with worker threads
        return store.conn.execute(sql, params).fetchall()


def investments(store: Store) -> dict[int, tuple[int, date]]:
    """site id -> (capex in cents, the date it was invested)."""
    return {
        site: (cents, date.fromisoformat(on))
        for site, cents, on in _rows(store, "SELECT data_center_id, capex_cents, invested_on FROM site_investments")
    }


def set_investment(store: Store, site_id: int, capex_cents: int | None, invested_on: date | None) -> None:
    """Sets (or with ``capex_cents`` None, clears) a site's facility investment."""
    before = investments(store).get(site_id)
    with store._lock:
        if capex_cents is None:
            store.conn.execute("DELETE FROM site_investments WHERE data_center_id = ?", (site_id,))
        else:
            store.conn.execute(
                "INSERT INTO site_investments (data_center_id, capex_cents, invested_on) VALUES (?, ?, ?) "
                "ON CONFLICT (data_center_id) DO UPDATE SET capex_cents = excluded.capex_cents, "
                "invested_on = excluded.invested_on",
                (site_id, capex_cents, (invested_on or date.today()).isoformat()),
            )
    after = None if capex_cents is None else {"capex_cents": capex_cents, "invested_on": str(invested_on)}
    store._audit("site_investment", site_id, None if before is None else {"capex_cents": before[0]}, after)


def prices(store: Store) -> list[tuple[int, int, float, date]]:
    """Every price as (id, site id, USD/kWh, in force from), by site and date."""
    return [
        (pid, site, price, date.fromisoformat(on))
        for pid, site, price, on in _rows(
            store,
            "SELECT id, data_center_id, usd_per_kwh, from_on FROM electricity_prices ORDER BY data_center_id, from_on",
        )
    ]


def add_price(store: Store, site_id: int, usd_per_kwh: float, from_on: date) -> int:
    """A price in force from ``from_on``; one on the same site and date is replaced."""
    with store._lock:
        store.conn.execute(
            "INSERT INTO electricity_prices (data_center_id, usd_per_kwh, from_on) VALUES (?, ?, ?) "
            "ON CONFLICT (data_center_id, from_on) DO UPDATE SET usd_per_kwh = excluded.usd_per_kwh",
            (site_id, usd_per_kwh, from_on.isoformat()),
        )
        row = store.conn.execute(
            "SELECT id FROM electricity_prices WHERE data_center_id = ? AND from_on = ?", (site_id, from_on.isoformat())
        ).fetchone()
    store._audit(
        "electricity_price", int(row[0]), None, {"site": site_id, "usd_per_kwh": usd_per_kwh, "from": str(from_on)}
    )
    return int(row[0])


def miner_capex_by_site(store: Store, dates: list[date]) -> list[dict[int, int]]:
    """Cents paid for miners per site as of each date: batches ordered by then, less units
    cancelled by then. From the kept totals (every batch, whatever its dates; report_totals.py)
    less what was ordered after the date, plus what was cancelled after it: ranges of the
    covering index and of the cancellations' partial index, read once from the latest date
    down (empty for today's figures)."""
    result: list[dict[int, int]] = [{} for _ in dates]
    running = dict(_rows(store, "SELECT data_center_id, SUM(miner_capex_cents) FROM supplier_site_totals GROUP BY 1"))
    later = "9999-12-31"  # after any date (dates are checked to be at most decades ahead)
    for i in sorted(range(len(dates)), key=lambda k: dates[k], reverse=True):
        day = dates[i].isoformat()
        for site, cents in _rows(
            store,
            "SELECT data_center_id, SUM(units * unit_price_cents) FROM batches "
            "WHERE ordered_on > ? AND ordered_on <= ? GROUP BY data_center_id",
            (day, later),
        ):
            running[site] = running.get(site, 0) - int(cents or 0)
        for site, cents in _rows(
            store,
            "SELECT b.data_center_id, SUM(e.units * b.unit_price_cents) FROM batch_events e "
            "JOIN batches b ON b.id = e.batch_id "
            "WHERE e.kind = 'cancelled' AND e.occurred_on > ? AND e.occurred_on <= ? GROUP BY b.data_center_id",
            (day, later),
        ):
            running[site] = running.get(site, 0) + int(cents or 0)
        result[i] = dict(running)
        later = day
    return result


def deployed_changes(store: Store, first: date, last: date) -> list[tuple[int, str, float, float]]:
    """(site, day, change of deployed W, change of deployed TH/s) for each day from first to last
    with a deployment or retirement, from the day table (the net change in deployed units per
    site, model and day; a retirement also shows in its own column): one primary-key range per
    (site, model), so the month so far costs what it costs on any fleet. (From the month's
    events by date it grew with the fleet: 17 ms for 6,000 events on 100,000 batches.)"""
    return _rows(
        store,
        "SELECT a.data_center_id, a.day, SUM(a.deployed * m.watts), SUM(a.deployed * m.ths) "
        "FROM data_centers AS dc CROSS JOIN miner_models AS m CROSS JOIN fleet_day_deltas AS a "
        "WHERE a.data_center_id = dc.id AND a.model_id = m.id AND a.day >= ? AND a.day <= ? "
        "GROUP BY a.data_center_id, a.day "
        "HAVING MAX(CASE WHEN a.deployed <> 0 OR a.retired <> 0 THEN 1 ELSE 0 END) = 1 "  # (no MAX of a boolean)
        "ORDER BY a.data_center_id, a.day",  # (PostgreSQL may group by hashing)
        (first.isoformat(), last.isoformat()),
    )


def deployment_slip(store: Store, at: date) -> list[tuple[str, int, int, float, int]]:
    """(supplier, site, batches deployed, mean days late, how many late) over batches with a
    deployment by ``at``; a batch's day is its latest deployment by then, late = after its
    expected date. The kept totals (report_totals.py) count every batch by its latest
    deployment; those deployed again after ``at`` (the deployments after it, by the
    events-by-date index: none for today's figures) are taken out and counted by their
    latest deployment by ``at``, if they had one."""
    found = _rows(
        store,
        # (batch_id + 0: DISTINCT on the bare column made SQLite scan all of events_by_batch for its order)
        "WITH later AS (SELECT DISTINCT batch_id + 0 AS batch_id FROM batch_events"
        " WHERE occurred_on > ?1 AND kind = 'deployed'),"
        " by_then AS (SELECT l.batch_id, (SELECT MAX(e.occurred_on) FROM batch_events e WHERE e.batch_id = l.batch_id"
        "  AND e.kind = 'deployed' AND e.occurred_on <= ?1) AS day FROM later l)"
        " SELECT supplier, site, SUM(n), SUM(late), SUM(n_late) FROM ("
        "  SELECT supplier, data_center_id AS site, deployed_batches AS n, days_late AS late, late_batches AS n_late"
        "  FROM supplier_site_totals"
        "  UNION ALL SELECT b.supplier, b.data_center_id, -1,"
        "  -CAST(julianday(c.deployed_on) - julianday(b.expected_on) AS INTEGER),"
        "  -(CASE WHEN c.deployed_on > b.expected_on THEN 1 ELSE 0 END)"
        "  FROM later l JOIN batch_stage_counts c ON c.batch_id = l.batch_id JOIN batches b ON b.id = l.batch_id"
        "  UNION ALL SELECT b.supplier, b.data_center_id, 1,"
        "  CAST(julianday(t.day) - julianday(b.expected_on) AS INTEGER),"
        "  CASE WHEN t.day > b.expected_on THEN 1 ELSE 0 END"
        "  FROM by_then t JOIN batches b ON b.id = t.batch_id WHERE t.day IS NOT NULL"
        " ) AS parts GROUP BY supplier, site HAVING SUM(n) > 0 ORDER BY supplier, site",
        (at.isoformat(),),
    )
    return [(supplier, site, n, late / n, n_late) for supplier, site, n, late, n_late in found]


def batches_expected(store: Store, after: date, until: date, site_id: int | None) -> list[tuple[Any, ...]]:
    """Batches expected in (after, until] with units not yet deployed, cancelled or retired (now):
    (id, site, model, units still to come, expected, supplier, unit price cents)."""
    sql = (
        "SELECT b.id, b.data_center_id, b.model_id, c.ordered + c.in_transit + c.on_site, b.expected_on, "
        "b.supplier, b.unit_price_cents FROM batches b JOIN batch_stage_counts c ON c.batch_id = b.id "
        "WHERE b.expected_on > ? AND b.expected_on <= ? AND c.ordered + c.in_transit + c.on_site > 0"
    )
    params: tuple[Any, ...] = (after.isoformat(), until.isoformat())
    if site_id is not None:
        sql, params = f"{sql} AND b.data_center_id = ?", (*params, site_id)
    return _rows(store, f"{sql} ORDER BY b.expected_on, b.id", params)
