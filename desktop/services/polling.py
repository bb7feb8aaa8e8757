"""Scan a site's networks for miners and poll the known miners: bounded concurrency, a
timeout per miner (a dead or slow miner never holds up the rest), readings and rollups
stored in one transaction per pass.

Runs its own asyncio loop (``asyncio.run``) on the caller's thread: the CLI's, or a worker
thread of the window (never the UI thread).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from desktop.domain.measured import UPTIME_WINDOW_S, KnownMiner, RollupRow
from desktop.errors import ValidationError
from desktop.logs import logger
from desktop.miners.client import DEFAULT_PORT, AddressNotAllowedError, CgminerClient, check_address
from desktop.miners.reading import OFFLINE, READ, MinerReading
from desktop.miners.source import MinerSource
from desktop.services.measured import MeasuredService, ModelMatcher, Reconciliation
from desktop.store.measured import ReadingRow

log = logger(__name__)


@dataclass(frozen=True)
class PollOptions:
    port: int | None = None  # None: each miner's own port (4028 when scanning)
    timeout_s: float = 5.0  # one miner's whole read
    concurrency: int = 256  # miners read at once

    def __post_init__(self) -> None:
        if self.port is not None and not 1 <= self.port <= 65535:
            raise ValidationError("port", f"must be 1-65535, not {self.port}")
        if not self.timeout_s > 0:
            raise ValidationError("timeout", f"must be more than 0 s, not {self.timeout_s}")
        if self.concurrency < 1:
            raise ValidationError("concurrency", f"must be at least 1, not {self.concurrency}")


@dataclass(frozen=True)
class SiteScan:
    name: str
    addresses: int
    found: int
    new: int


@dataclass(frozen=True)
class ScanResult:
    as_of: str
    sites: tuple[SiteScan, ...]


@dataclass(frozen=True)
class PollResult:
    as_of: str
    reconciliation: Reconciliation
    readings: tuple[MinerReading, ...] = field(repr=False, default=())

    def to_json(self) -> dict[str, object]:
        return {"as_of": self.as_of} | self.reconciliation.to_json()


async def read_many(
    source: MinerSource, targets: Sequence[tuple[str, int, str | None]], concurrency: int
) -> list[MinerReading]:
    """Every target read once, at most ``concurrency`` at a time; never raises for a miner."""
    gate = asyncio.Semaphore(concurrency)

    async def one(address: str, port: int, family: str | None) -> MinerReading:
        async with gate:
            try:
                return await source.read(address, port, family)
            except Exception as error:  # a source's bug must not lose the other readings
                log.warning("reading %s:%s failed: %r", address, port, error)
                return MinerReading(address, OFFLINE, error=f"{type(error).__name__}: {error}")

    return list(await asyncio.gather(*(one(*t) for t in targets)))


def _check_addresses(addresses: Iterable[str]) -> None:
    for address in addresses:
        try:
            check_address(address)
        except AddressNotAllowedError as error:
            raise ValidationError("network", str(error)) from None


def _now() -> tuple[int, str]:
    now = time.time()
    return int(now), datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")


class PollingService:
    def __init__(self, measured: MeasuredService, source: MinerSource | None = None) -> None:
        self.measured = measured
        self.store = measured.store
        self.source = source

    def _source(self, options: PollOptions) -> MinerSource:
        return self.source or CgminerClient(timeout=options.timeout_s)

    def _sites(self, site_id: int | None) -> list[int]:
        if site_id is not None:
            return [self.store.get_site(site_id).id or 0]
        return [s.id or 0 for s in self.store.list_sites()]

    # -- scan --------------------------------------------------------------------------

    def scan(self, site_id: int | None = None, options: PollOptions | None = None) -> ScanResult:
        """Probes every address of the sites' networks; records each miner that answers."""
        options = options or PollOptions()
        port = options.port or DEFAULT_PORT
        networks = self.measured.measured.networks_by_site()
        site_ids = self._sites(site_id)
        plan = {s: list(dict.fromkeys(a for n in networks.get(s, []) for a in n.addresses())) for s in site_ids}
        _check_addresses(a for addresses in plan.values() for a in addresses)
        targets = [(a, port, None) for addresses in plan.values() for a in addresses]
        readings = asyncio.run(read_many(self._source(options), targets, options.concurrency))
        at, as_of = _now()
        by_address = {(r.address): r for r in readings}
        match = ModelMatcher(self.store.list_models(), self.measured.measured.type_mappings())
        results = []
        with self.store.write("scan for miners"):
            for site in site_ids:
                answered = [by_address[a] for a in plan[site] if by_address[a].outcome != OFFLINE]
                rows = [
                    (r.address, port, r.family or "", r.model or "", match(r.model or ""),
                     r.firmware or "")
                    for r in answered
                ]  # fmt: skip
                new = self.measured.measured.save_miners(site, rows, as_of)
                self._save_readings(site, answered, at)
                results.append(SiteScan(self.store.get_site(site).name, len(plan[site]), len(answered), new))
        return ScanResult(as_of, tuple(results))

    # -- poll --------------------------------------------------------------------------

    def poll(self, site_id: int | None = None, options: PollOptions | None = None) -> PollResult:
        """Reads every known miner of the site (all sites) once; stores readings and rollups."""
        options = options or PollOptions()
        site_ids = self._sites(site_id)
        miners = [m for s in site_ids for m in self.measured.measured.known_miners(s)]
        _check_addresses(m.address for m in miners)
        targets = [(m.address, options.port or m.port, m.family or None) for m in miners]
        readings = asyncio.run(read_many(self._source(options), targets, options.concurrency))
        at, as_of = _now()
        self.record(site_ids, miners, readings, at)
        return PollResult(as_of, self.measured.reconciliation(site_ids), tuple(readings))

    def record(
        self, site_ids: Sequence[int], miners: Sequence[KnownMiner], readings: Sequence[MinerReading], at: int
    ) -> None:
        """Stores one pass's readings (in the order of ``miners``), the sites' rollups, and prunes."""
        store = self.measured.measured
        match = ModelMatcher(self.store.list_models(), store.type_mappings())
        identities = []
        for m, r in zip(miners, readings, strict=True):
            if r.outcome != READ or not r.family:
                continue
            reported = r.model or m.reported_type
            identity = (r.family, reported, match(reported), r.firmware or m.firmware)
            if identity != (m.family, m.reported_type, m.model_id, m.firmware):
                identities.append((*identity, m.id))
        books = {f.data_center_id: f for f in self.measured.queries.summary().sites}
        with self.store.write("poll miners"):
            store.update_identities(identities)
            closed = store.save_readings(
                [_reading_row(m.id, r, at) for m, r in zip(miners, readings, strict=True)], UPTIME_WINDOW_S
            )
            rollups = []
            for site in site_ids:
                pairs = [(m, r) for m, r in zip(miners, readings, strict=True) if m.data_center_id == site]
                if not pairs:
                    continue  # no miner known there: not measured (a 0 would read as all down)
                book = books.get(site)
                windows, up = closed.get(site, (0, 0))
                rollups.append(
                    RollupRow(
                        data_center_id=site,
                        found=len(pairs),
                        hashing=sum(1 for _, r in pairs if r.hashing),
                        offline=sum(1 for _, r in pairs if r.outcome == OFFLINE),
                        measured_ths=sum(r.ths_5s or 0.0 for _, r in pairs if r.hashing),
                        nominal_ths=book.deployed_ths if book else 0.0,
                        deployed_units=book.units.deployed if book else 0,
                        watts=sum(r.watts or 0.0 for _, r in pairs if r.hashing),
                        windows=windows,
                        windows_hashing=up,
                    )
                )
            store.add_rollups(rollups, at)
            store.prune_rollups(at)

    def _save_readings(self, site: int, readings: Sequence[MinerReading], at: int) -> None:
        ids = {m.address: m.id for m in self.measured.measured.known_miners(site)}
        rows = [_reading_row(ids[r.address], r, at) for r in readings if r.address in ids]
        self.measured.measured.save_readings(rows, UPTIME_WINDOW_S)


def _reading_row(miner_id: int, r: MinerReading, at: int) -> ReadingRow:
    return ReadingRow(
        miner_id, at, r.outcome, r.error, r.ths_5s, r.ths_avg, r.ideal_ths, r.watts, r.max_temp_c, r.fans_rpm,
        r.uptime_s, r.pool_alive,
    )  # fmt: skip
