"""Schema v4: site network ranges, the miners scans found, each miner's latest reading and
per-site rollups of the polls (see domain.measured.ROLLUP_STEPS).

Growth is bounded by design: one reading row per miner (overwritten each poll) and rollups
per site, not per miner: at 1 min for 7 days, 1 h for 90 days and 1 day forever.
"""

from __future__ import annotations

V4_MEASURED = [
    """CREATE TABLE site_networks (
        id INTEGER PRIMARY KEY,
        data_center_id INTEGER NOT NULL REFERENCES data_centers(id) ON DELETE CASCADE,
        spec TEXT NOT NULL,
        first_address INTEGER NOT NULL,
        last_address INTEGER NOT NULL CHECK (last_address >= first_address),
        UNIQUE (data_center_id, spec)
    )""",
    """CREATE TABLE miners (
        id INTEGER PRIMARY KEY,
        data_center_id INTEGER NOT NULL REFERENCES data_centers(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        port INTEGER NOT NULL DEFAULT 4028,
        family TEXT NOT NULL DEFAULT '',
        reported_type TEXT NOT NULL DEFAULT '',
        model_id INTEGER REFERENCES miner_models(id) ON DELETE SET NULL,
        firmware TEXT NOT NULL DEFAULT '',
        found_at TEXT NOT NULL,
        UNIQUE (data_center_id, address, port)
    )""",
    # What the user says a reported type is ("Antminer S19j Pro" -> a catalog model): the
    # automatic match by name is used where there is no row here.
    """CREATE TABLE miner_type_models (
        type_key TEXT PRIMARY KEY,
        reported_type TEXT NOT NULL,
        model_id INTEGER NOT NULL REFERENCES miner_models(id) ON DELETE CASCADE
    )""",
    """CREATE TABLE miner_readings (
        miner_id INTEGER PRIMARY KEY REFERENCES miners(id) ON DELETE CASCADE,
        read_at INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT,
        ths_5s REAL,
        ths_avg REAL,
        ideal_ths REAL,
        watts REAL,
        max_temp_c REAL,
        fans TEXT,
        uptime_s INTEGER,
        pool_alive INTEGER,
        last_seen INTEGER,
        uptime_window INTEGER,
        window_hashing INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE site_rollups (
        data_center_id INTEGER NOT NULL REFERENCES data_centers(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        polls INTEGER NOT NULL,
        found INTEGER NOT NULL,
        hashing INTEGER NOT NULL,
        offline INTEGER NOT NULL,
        measured_ths REAL NOT NULL,
        nominal_ths REAL NOT NULL,
        deployed_units INTEGER NOT NULL,
        watts REAL NOT NULL,
        windows INTEGER NOT NULL,
        windows_hashing INTEGER NOT NULL,
        PRIMARY KEY (data_center_id, step, bucket)
    ) WITHOUT ROWID""",
    "CREATE INDEX site_rollups_by_time ON site_rollups(step, bucket)",
]
