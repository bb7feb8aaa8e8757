"""The SQL of measured hash rate: site networks, known miners, latest readings, rollups.

Readings and rollups are measurements, not operator input: they are not audited (a row
a poll would grow the audit by ~500,000 rows a year). Network edits and model mappings
are the operator's and are audited like every other change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.domain.measured import ROLLUP_STEPS, KnownMiner, MinerRow, RollupRow, bucket_start
from desktop.domain.networks import NetworkRange
from desktop.domain.values import name_key
from desktop.store.store import Store

_ROLLUP_SUMS = (
    "found",
    "hashing",
    "offline",
    "measured_ths",
    "nominal_ths",
    "deployed_units",
    "watts",
    "windows",
    "windows_hashing",
)


@dataclass(frozen=True)
class ReadingRow:
    """One miner's reading as stored (``read_at``/``last_seen`` in epoch seconds)."""

    miner_id: int
    read_at: int
    outcome: str
    error: str | None
    ths_5s: float | None
    ths_avg: float | None
    ideal_ths: float | None
    watts: float | None
    max_temp_c: float | None
    fans: tuple[int, ...]
    uptime_s: int | None
    pool_alive: bool | None

_READING_COLUMNS = (
    "read_at", "outcome", "error", "ths_5s", "ths_avg", "ideal_ths", "watts", "max_temp_c", "fans", "uptime_s",
    "pool_alive", "last_seen", "uptime_window", "window_hashing",
)  # fmt: skip


class MeasuredStore:
    """Reads and writes of measured data on a Store's connection (writes inside Store.write)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.store._lock:
            return self.store.conn.execute(sql, params).fetchall()

    def _write(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        if self.store._action is None:
            raise RuntimeError("measured writes must run inside Store.write()")
        self.store.conn.executemany(sql, params)

    # -- networks ----------------------------------------------------------------------

    def networks_by_site(self) -> dict[int, list[NetworkRange]]:
        found: dict[int, list[NetworkRange]] = {}
        for site_id, first, last, spec in self._rows(
            "SELECT data_center_id, first_address, last_address, spec FROM site_networks ORDER BY data_center_id, id"
        ):
            found.setdefault(site_id, []).append(NetworkRange(first, last, spec))
        return found

    def replace_site_networks(self, site_id: int, networks: Sequence[NetworkRange]) -> None:
        before = [n.spec for n in self.networks_by_site().get(site_id, [])]
        self._write("DELETE FROM site_networks WHERE data_center_id = ?", [(site_id,)])
        self._write(
            "INSERT INTO site_networks (data_center_id, spec, first_address, last_address) VALUES (?, ?, ?, ?)",
            [(site_id, n.spec, n.first, n.last) for n in networks],
        )
        after = [n.spec for n in networks]
        if before != after:
            self.store._audit("site_networks", site_id, {"networks": before}, {"networks": after})

    # -- known miners ------------------------------------------------------------------

    def known_miners(self, site_id: int | None = None) -> list[KnownMiner]:
        sql = "SELECT id, data_center_id, address, port, family, reported_type, model_id, firmware FROM miners"
        params: tuple[Any, ...] = ()
        if site_id is not None:
            sql, params = sql + " WHERE data_center_id = ?", (site_id,)
        return [KnownMiner(*row) for row in self._rows(sql + " ORDER BY data_center_id, id", params)]

    def save_miners(self, site_id: int, miners: Sequence[tuple[str, int, str, str, int | None, str]], now: str) -> int:
        """Adds or refreshes (address, port, family, reported_type, model_id, firmware) at a
        site; returns how many were new."""
        known = {(a, p) for a, p in self._rows("SELECT address, port FROM miners WHERE data_center_id = ?", (site_id,))}
        self._write(
            "INSERT INTO miners (data_center_id, address, port, family, reported_type, model_id, firmware, found_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (data_center_id, address, port) DO UPDATE SET "
            # an answer that could not be read (no type, no firmware) keeps what an earlier scan read
            "family = COALESCE(NULLIF(excluded.family, ''), miners.family), "
            "model_id = CASE WHEN excluded.reported_type = '' THEN miners.model_id ELSE excluded.model_id END, "
            "reported_type = COALESCE(NULLIF(excluded.reported_type, ''), miners.reported_type), "
            "firmware = COALESCE(NULLIF(excluded.firmware, ''), miners.firmware)",
            [(site_id, a, p, fam, rt, mid, fw, now) for a, p, fam, rt, mid, fw in miners],
        )
        return sum(1 for a, p, *_ in miners if (a, p) not in known)

    def update_identities(self, rows: Sequence[tuple[str, str, int | None, str, int]]) -> None:
        """(family, reported_type, model_id, firmware, miner id): what a poll read of each."""
        self._write(
            "UPDATE miners SET family = ?, reported_type = ?, model_id = ?, firmware = ? WHERE id = ?",
            rows,
        )

    def type_mappings(self) -> dict[str, int]:
        return dict(self._rows("SELECT type_key, model_id FROM miner_type_models"))

    def set_type_mapping(self, reported_type: str, model_id: int) -> int:
        """Maps a reported type to a catalog model and re-matches the miners reporting it;
        returns how many miners that changed."""
        key = name_key(reported_type)
        self._write(
            "INSERT INTO miner_type_models (type_key, reported_type, model_id) VALUES (?, ?, ?) "
            "ON CONFLICT (type_key) DO UPDATE SET model_id = excluded.model_id, reported_type = excluded.reported_type",
            [(key, reported_type, model_id)],
        )
        others = self._rows("SELECT id, reported_type FROM miners WHERE model_id IS NULL OR model_id <> ?", (model_id,))
        ids = [i for i, t in others if name_key(t) == key]
        self._write("UPDATE miners SET model_id = ? WHERE id = ?", [(model_id, i) for i in ids])
        self.store._audit("miner_type_model", model_id, None, {"reported_type": reported_type, "model_id": model_id})
        return len(ids)

    # -- readings ----------------------------------------------------------------------

    def save_readings(self, readings: Sequence[ReadingRow], window_s: int) -> dict[int, tuple[int, int]]:
        """Overwrites each miner's latest reading; returns per site the 5-minute windows this
        poll closed (a miner's first reading in a new window closes its previous one) and
        how many of those the miner was hashing in."""
        previous = {
            row[0]: row[1:]
            for row in self._rows(
                "SELECT r.miner_id, r.uptime_window, r.window_hashing, m.data_center_id, r.last_seen "
                "FROM miner_readings r JOIN miners m ON m.id = r.miner_id"
            )
        }
        sites = dict(self._rows("SELECT id, data_center_id FROM miners"))
        closed: dict[int, tuple[int, int]] = {}
        out = []
        for r in readings:
            window = r.read_at // window_s
            hashing = int(r.outcome == "read" and (r.ths_5s or 0) > 0)
            last_window, last_hashing, _site, last_seen = previous.get(r.miner_id, (None, 0, None, None))
            if last_window is not None and last_window != window:
                site = sites.get(r.miner_id)
                if site is not None:
                    done, up = closed.get(site, (0, 0))
                    closed[site] = (done + 1, up + int(last_hashing))
            elif last_window == window:
                hashing = hashing or int(last_hashing)
            seen = r.read_at if r.outcome != "offline" else last_seen
            out.append(
                (
                    r.miner_id, r.read_at, r.outcome, r.error, r.ths_5s, r.ths_avg, r.ideal_ths, r.watts,
                    r.max_temp_c, json.dumps(list(r.fans)) if r.fans else None, r.uptime_s,
                    None if r.pool_alive is None else int(r.pool_alive), seen, window, hashing,
                )
            )  # fmt: skip
        self._write(
            f"INSERT INTO miner_readings (miner_id, {', '.join(_READING_COLUMNS)}) "
            f"VALUES (?, {', '.join('?' * len(_READING_COLUMNS))}) "
            # an upsert (not INSERT OR REPLACE): SQLite and PostgreSQL both have it
            f"ON CONFLICT (miner_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _READING_COLUMNS)}",
            out,
        )
        return closed

    # -- rollups -----------------------------------------------------------------------

    def add_rollups(self, rows: Sequence[RollupRow], at: int) -> None:
        """Adds one poll per site into its 1-minute, 1-hour and 1-day buckets."""
        sets = ", ".join(f"{c} = site_rollups.{c} + excluded.{c}" for c in ("polls", *_ROLLUP_SUMS))
        self._write(
            f"INSERT INTO site_rollups (data_center_id, step, bucket, polls, {', '.join(_ROLLUP_SUMS)}) "
            f"VALUES (?, ?, ?, 1, {', '.join('?' * len(_ROLLUP_SUMS))}) "
            f"ON CONFLICT (data_center_id, step, bucket) DO UPDATE SET {sets}",
            [
                (r.data_center_id, step, bucket_start(at, step), *(getattr(r, c) for c in _ROLLUP_SUMS))
                for r in rows
                for step in ROLLUP_STEPS
            ],
        )

    def prune_rollups(self, now: int) -> None:
        for step, keep in ROLLUP_STEPS.items():
            if keep is not None:
                self._write("DELETE FROM site_rollups WHERE step = ? AND bucket < ?", [(step, now - keep)])

    def measured_series(self, step: int, site_id: int | None = None, since: int = 0) -> list[tuple[int, float]]:
        """(bucket start, TH/s averaged over the bucket's polls, summed over sites)."""
        where, params = "step = ? AND bucket >= ?", (step, since)
        params_of: tuple[int, ...] = params
        if site_id is not None:
            where, params_of = where + " AND data_center_id = ?", (*params, site_id)
        return [
            (int(b), float(v))
            for b, v in self._rows(
                f"SELECT bucket, SUM(measured_ths / polls) FROM site_rollups WHERE {where} "
                "GROUP BY bucket ORDER BY bucket",
                params_of,
            )
        ]

    def daily_by_site(self) -> list[tuple[int, int, float]]:
        """(site id, day start, TH/s averaged over the day's polls), from the kept-forever rollups."""
        return [
            (int(site), int(bucket), float(ths))
            for site, bucket, ths in self._rows(
                "SELECT data_center_id, bucket, measured_ths / polls FROM site_rollups WHERE step = 86400 "
                "ORDER BY data_center_id, bucket"
            )
        ]

    def uptime_windows(self, site_id: int | None, since: int) -> tuple[int, int]:
        """(5-minute miner-windows closed since ``since``, those with the miner hashing)."""
        where, params = "step = 3600 AND bucket >= ?", (since - since % 3600,)
        params_of: tuple[int, ...] = params
        if site_id is not None:
            where, params_of = where + " AND data_center_id = ?", (*params, site_id)
        sql = f"SELECT SUM(windows), SUM(windows_hashing) FROM site_rollups WHERE {where}"
        total, up = self._rows(sql, params_of)[0]
        return int(total or 0), int(up or 0)

    def site_counts(self) -> dict[int, tuple[int, int, int, float]]:
        """Per site, from each known miner's latest reading: (found, hashing, offline, TH/s)."""
        return {
            site: (int(found), int(hashing or 0), int(offline or 0), float(ths or 0.0))
            for site, found, hashing, offline, ths in self._rows(
                "SELECT m.data_center_id, COUNT(*), "
                "SUM(CASE WHEN r.outcome = 'read' AND r.ths_5s > 0 THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN r.outcome = 'offline' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN r.outcome = 'read' AND r.ths_5s > 0 THEN r.ths_5s END) "
                "FROM miners m LEFT JOIN miner_readings r ON r.miner_id = m.id GROUP BY m.data_center_id"
            )
        }

    def last_read_at(self) -> int | None:
        value = self._rows("SELECT MAX(read_at) FROM miner_readings")[0][0]
        return None if value is None else int(value)

    # -- the miners view ---------------------------------------------------------------

    def miner_rows(self, site_id: int | None = None) -> list[MinerRow]:
        sql = (
            "SELECT m.id, d.name, m.address, m.port, m.reported_type, mm.name, mm.ths, m.firmware, r.outcome, "
            "r.read_at, r.last_seen, r.ths_5s, COALESCE(r.ideal_ths, mm.ths), r.watts, r.max_temp_c, r.error "
            "FROM miners m JOIN data_centers d ON d.id = m.data_center_id "
            "LEFT JOIN miner_models mm ON mm.id = m.model_id LEFT JOIN miner_readings r ON r.miner_id = m.id"
        )
        params: tuple[Any, ...] = ()
        if site_id is not None:
            sql, params = sql + " WHERE m.data_center_id = ?", (site_id,)
        return [MinerRow(*row) for row in self._rows(sql + " ORDER BY d.name_key, m.id", params)]
