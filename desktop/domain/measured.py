"""Measured hash rate: known miners, their latest readings, per-site reconciliation and
the rollup scheme. Plain values; the arithmetic of 'hashing', 'degraded' and uptime."""

from __future__ import annotations

from dataclasses import dataclass

DEGRADED_BELOW = 0.90  # hashing under 90 % of its ideal rate
UPTIME_WINDOW_S = 300  # hashing uptime counts 5-minute windows, as fleet tools do

# Rollup resolutions and how long each is kept (None: forever). Every column of a rollup
# row is a sum over the polls in its bucket, so a coarser row is the sum of finer ones.
ROLLUP_STEPS: dict[int, int | None] = {60: 7 * 86_400, 3_600: 90 * 86_400, 86_400: None}

HASHING, DEGRADED, NOT_HASHING, OFFLINE, UNREADABLE, UNKNOWN_MODEL, NEVER_READ = (
    "Hashing",
    "Degraded",
    "Not hashing",
    "Offline",
    "Unreadable",
    "Unknown model",
    "Not read yet",
)


@dataclass(frozen=True)
class KnownMiner:
    """A miner a scan found at a site's address (matched to a catalog model or not)."""

    id: int
    data_center_id: int
    address: str
    port: int
    family: str
    reported_type: str
    model_id: int | None
    firmware: str


@dataclass(frozen=True)
class MinerRow:
    """One line of the miners view: the miner, its model and its latest reading."""

    id: int
    site: str
    address: str
    port: int
    reported_type: str
    model: str | None  # the catalog model it is matched to
    nominal_ths: float | None
    firmware: str
    outcome: str | None  # of the latest read: read / unreadable / offline (None: never read)
    read_at: int | None  # epoch seconds
    last_seen: int | None  # the last read it answered
    ths_5s: float | None
    ideal_ths: float | None  # its own where it reports one, else the catalog's
    watts: float | None
    max_temp_c: float | None
    error: str | None

    @property
    def j_per_th(self) -> float | None:
        if self.watts and self.ths_5s:
            return self.watts / self.ths_5s
        return None

    @property
    def status(self) -> str:
        if self.outcome is None:
            return NEVER_READ
        if self.outcome == "offline":
            return OFFLINE
        if self.outcome == "unreadable":
            return UNREADABLE
        if self.model is None:
            return UNKNOWN_MODEL
        if not self.ths_5s or self.ths_5s <= 0:
            return NOT_HASHING
        if self.ideal_ths and self.ths_5s < DEGRADED_BELOW * self.ideal_ths:
            return DEGRADED
        return HASHING


@dataclass(frozen=True)
class SiteReconciliation:
    """Per site: the books (deployed units, nominal TH/s) beside what the network shows."""

    name: str
    deployed_units: int
    miners_found: int  # known miners (found by a scan)
    miners_hashing: int  # answered with a hash rate > 0
    miners_offline: int  # did not answer
    measured_ths: float  # the 5-second rates summed
    nominal_ths: float  # deployed units x the model's TH/s
    data_center_id: int | None = None

    @property
    def percent_of_nominal(self) -> float:
        return 100.0 * self.measured_ths / self.nominal_ths if self.nominal_ths else 0.0

    @property
    def found_differs(self) -> bool:
        """Found != deployed: a question for the site (unlogged, stolen, dead, or books wrong)."""
        return self.miners_found != self.deployed_units

    def to_json(self, *, with_name: bool = True) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name} if with_name else {}
        return out | {
            "deployed_units": self.deployed_units,
            "miners_found": self.miners_found,
            "miners_hashing": self.miners_hashing,
            "miners_offline": self.miners_offline,
            "measured_ths": round(self.measured_ths, 3),
            "nominal_ths": round(self.nominal_ths, 3),
        }


def total_reconciliation(sites: list[SiteReconciliation]) -> SiteReconciliation:
    return SiteReconciliation(
        name="Total",
        deployed_units=sum(s.deployed_units for s in sites),
        miners_found=sum(s.miners_found for s in sites),
        miners_hashing=sum(s.miners_hashing for s in sites),
        miners_offline=sum(s.miners_offline for s in sites),
        measured_ths=sum(s.measured_ths for s in sites),
        nominal_ths=sum(s.nominal_ths for s in sites),
    )


@dataclass(frozen=True)
class RollupRow:
    """One site's poll, as the sums a rollup bucket adds up."""

    data_center_id: int
    found: int
    hashing: int
    offline: int
    measured_ths: float
    nominal_ths: float
    deployed_units: int
    watts: float
    windows: int = 0  # 5-minute miner-windows that closed in this poll
    windows_hashing: int = 0  # of those, the ones in which the miner was hashing


def bucket_start(epoch_s: int, step: int) -> int:
    return epoch_s - epoch_s % step
