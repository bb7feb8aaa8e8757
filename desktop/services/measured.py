"""Measured hash rate, read side and settings: site networks, the miners view, per-site
reconciliation (books beside network), the measured series and hashing uptime."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from desktop.domain.entities import MinerModel
from desktop.domain.measured import MinerRow, SiteReconciliation, total_reconciliation
from desktop.domain.networks import NetworkRange, parse_networks
from desktop.domain.values import name_key
from desktop.errors import ValidationError
from desktop.services.reports import FleetQueries
from desktop.store import Store
from desktop.store.measured import MeasuredStore


@dataclass(frozen=True)
class Reconciliation:
    as_of: int | None  # the newest reading (epoch seconds), None: never polled
    sites: tuple[SiteReconciliation, ...]
    total: SiteReconciliation

    def to_json(self) -> dict[str, object]:
        return {
            "data_centers": [s.to_json() for s in self.sites],
            "total": self.total.to_json(with_name=False),
        }


class ModelMatcher:
    """The catalog model a miner's reported type names: the user's mapping first, then the
    model's name or vendor + name, then the name with "Antminer " in front ("S19j Pro").
    Built once a pass (a fleet reports a handful of types)."""

    def __init__(self, models: Iterable[MinerModel], mappings: dict[str, int]) -> None:
        self._mappings = mappings
        self._by_key: dict[str, int] = {}
        for model in models:
            self._by_key.setdefault(model.key, model.id or 0)
            self._by_key.setdefault(name_key(model.label), model.id or 0)
        self._cache: dict[str, int | None] = {}

    def __call__(self, reported_type: str) -> int | None:
        if reported_type not in self._cache:
            key = name_key(reported_type)
            found = self._mappings.get(key) or self._by_key.get(key) or self._by_key.get(f"antminer {key}")
            self._cache[reported_type] = found if key else None
        return self._cache[reported_type]


def match_model(reported_type: str, models: Iterable[MinerModel], mappings: dict[str, int]) -> int | None:
    return ModelMatcher(models, mappings)(reported_type)


@dataclass(frozen=True)
class MeasuredSnapshot:
    """What the window shows of measured hash rate, read in one go off the UI thread."""

    reconciliation: Reconciliation
    series: tuple[tuple[int, float], ...]  # (epoch seconds, TH/s) of the selection
    uptime: float | None  # hashing uptime (0-1) of the selection over the last 24 h
    site_id: int | None  # the selection (None: all sites)
    polled_miners: bool  # any miner is known (there is something to poll)
    miners: tuple[MinerRow, ...] | None = None  # the selection's miners, when asked for

    def selection(self) -> SiteReconciliation:
        if self.site_id is None:
            return self.reconciliation.total
        found = [s for s in self.reconciliation.sites if s.data_center_id == self.site_id]
        return found[0] if found else self.reconciliation.total


def _when(epoch: int | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def miner_to_json(row: MinerRow) -> dict[str, object]:
    """One miner as ``miners --json`` prints it (and the miners export writes it)."""
    return {
        "site": row.site,
        "address": row.address,
        "port": row.port,
        "reported_type": row.reported_type,
        "model": row.model,
        "firmware": row.firmware,
        "status": row.status,
        "ths": row.ths_5s,
        "ideal_ths": row.ideal_ths,
        "watts": row.watts,
        "j_per_th": None if row.j_per_th is None else round(row.j_per_th, 2),
        "max_temp_c": row.max_temp_c,
        "read_at": _when(row.read_at),
        "last_seen": _when(row.last_seen),
        "error": row.error,
    }


class MeasuredService:
    def __init__(self, store: Store, queries: FleetQueries) -> None:
        self.store = store
        self.queries = queries
        self.measured = MeasuredStore(store)

    @property
    def writable(self) -> bool:
        """Polls can be stored (the file is not open read-only)."""
        return not self.store.readonly

    # -- networks ----------------------------------------------------------------------

    def networks_by_site(self) -> dict[int, list[str]]:
        return {site: [n.spec for n in nets] for site, nets in self.measured.networks_by_site().items()}

    def site_networks(self, site_id: int) -> list[NetworkRange]:
        return self.measured.networks_by_site().get(site_id, [])

    @staticmethod
    def check_networks(specs: Iterable[str]) -> list[NetworkRange]:
        """Every spec parsed (ValidationError names the bad one) before anything is written."""
        return parse_networks(specs)

    def set_networks(self, site_id: int, specs: Iterable[str]) -> list[NetworkRange]:
        """Replaces a site's ranges (an empty list clears them); audited."""
        networks = parse_networks(specs)
        site = self.store.get_site(site_id)
        with self.store.write(f"set networks of {site.name}"):
            self.measured.replace_site_networks(site_id, networks)
        return networks

    # -- model matching ----------------------------------------------------------------

    def model_names(self) -> list[str]:
        """The catalog's model names (what a reported type can be mapped to)."""
        return [m.name for m in self.store.list_models()]

    def set_type_model(self, reported_type: str, model_ref: int | str) -> int:
        """The user's correction: miners reporting ``reported_type`` run ``model_ref``."""
        model = self.store.get_model(model_ref) if isinstance(model_ref, int) else self.store.find_model(model_ref)
        if model is None:
            raise ValidationError("model", f"'{model_ref}' is not in the catalog")
        if not name_key(reported_type):
            raise ValidationError("type", "is empty")
        with self.store.write(f"map miner type {reported_type} to {model.name}"):
            return self.measured.set_type_mapping(reported_type.strip(), model.id or 0)

    # -- reads -------------------------------------------------------------------------

    def miners(self, site_id: int | None = None) -> list[MinerRow]:
        return self.measured.miner_rows(site_id)

    def reconciliation(self, site_ids: Iterable[int] | None = None) -> Reconciliation:
        """Books (deployed units, nominal TH/s today) beside each site's latest readings."""
        wanted = None if site_ids is None else set(site_ids)
        with self.store.reading():
            summary = self.queries.summary()
            counts = self.measured.site_counts()
            as_of = self.measured.last_read_at()
        sites = tuple(
            SiteReconciliation(
                name=f.name,
                deployed_units=f.units.deployed,
                miners_found=counts.get(f.data_center_id or 0, (0, 0, 0, 0.0))[0],
                miners_hashing=counts.get(f.data_center_id or 0, (0, 0, 0, 0.0))[1],
                miners_offline=counts.get(f.data_center_id or 0, (0, 0, 0, 0.0))[2],
                measured_ths=round(counts.get(f.data_center_id or 0, (0, 0, 0, 0.0))[3], 6),
                nominal_ths=f.deployed_ths,
                data_center_id=f.data_center_id,
            )
            for f in summary.sites
            if wanted is None or f.data_center_id in wanted
        )
        return Reconciliation(as_of, sites, total_reconciliation(list(sites)))

    def measured_series(self, site_id: int | None = None, now: int | None = None) -> list[tuple[int, float]]:
        """(epoch seconds, measured TH/s): daily points before the last 90 days, hourly ones
        before the last 7 days, minute ones since: the finest each period keeps."""
        now = int(time.time()) if now is None else now
        hour_from, minute_from = now - 90 * 86_400, now - 7 * 86_400
        days = [p for p in self.measured.measured_series(86_400, site_id) if p[0] < hour_from - hour_from % 86_400]
        hours = [p for p in self.measured.measured_series(3_600, site_id, hour_from) if p[0] < minute_from]
        minutes = self.measured.measured_series(60, site_id, minute_from)
        if hours and minutes and hours[-1][0] + 3600 > minutes[0][0]:
            hours = [p for p in hours if p[0] + 3600 <= minutes[0][0]]
        return days + hours + minutes

    def snapshot(self, site_id: int | None = None, *, with_miners: bool = False) -> MeasuredSnapshot:
        """Reconciliation of every site, and the selection's series and uptime (and miners)."""
        now = int(time.time())
        with self.store.reading():
            reconciliation = self.reconciliation()
            series = tuple(self.measured_series(site_id, now))
            uptime = self.hashing_uptime(site_id, now=now)
            miners = tuple(self.miners(site_id)) if with_miners else None
        known = reconciliation.total.miners_found > 0
        return MeasuredSnapshot(reconciliation, series, uptime, site_id, known, miners)

    def daily_measured(self) -> dict[int | None, dict[date, float]]:
        """Each site's measured TH/s per day (the day's polls averaged, UTC days), and the
        total under None (the sites' daily figures summed)."""
        found: dict[int | None, dict[date, float]] = {None: {}}
        for site, bucket, ths in self.measured.daily_by_site():
            day = datetime.fromtimestamp(bucket, timezone.utc).date()
            found.setdefault(site, {})[day] = ths
            found[None][day] = found[None].get(day, 0.0) + ths
        return found

    def hashing_uptime(self, site_id: int | None = None, hours: int = 24, now: int | None = None) -> float | None:
        """Share (0-1) of the 5-minute miner-windows of the last ``hours`` in which the miner
        was hashing; None before any window closed."""
        now = int(time.time()) if now is None else now
        total, up = self.measured.uptime_windows(site_id, now - hours * 3600)
        return up / total if total else None
