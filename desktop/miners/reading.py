"""What one miner said, as a frozen value, and how each firmware's reply becomes one.

Every field is read on its own: a missing or malformed key leaves that field None and
the rest of the reading intact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.miners.jsonfix import number

_Json = dict[str, Any]

# Firmware families the client knows how to read (Whatsminer's encrypted API is not one yet).
ANTMINER = "antminer"  # stock Bitmain BMMiner / CGMiner
BRAIINS = "braiins"  # Braiins OS / BOSminer
LUXOS = "luxos"
AVALON = "avalon"
FAMILIES = (ANTMINER, BRAIINS, LUXOS, AVALON)

READ, UNREADABLE, OFFLINE = "read", "unreadable", "offline"

# The commands one poll asks for, in one request per family (joined with "+").
POLL_COMMANDS: dict[str, tuple[str, ...]] = {
    ANTMINER: ("version", "summary", "stats", "pools"),
    BRAIINS: ("version", "summary", "devdetails", "temps", "fans", "tunerstatus", "pools"),
    LUXOS: ("version", "summary", "stats", "power", "fans", "pools"),
    AVALON: ("version", "summary", "estats", "pools"),
}


@dataclass(frozen=True)
class MinerReading:
    """One poll of one miner. ``outcome``: READ (it answered and the reply parsed), UNREADABLE
    (it answered something that is not a reply) or OFFLINE (refused, dropped, timed out);
    ``error`` says what went wrong."""

    address: str
    outcome: str
    error: str | None = None
    family: str | None = None
    model: str | None = None  # the type the miner reports, e.g. "Antminer S19j Pro"
    firmware: str | None = None
    ths_5s: float | None = None
    ths_avg: float | None = None
    ideal_ths: float | None = None
    watts: float | None = None
    max_temp_c: float | None = None
    fans_rpm: tuple[int, ...] = ()
    uptime_s: int | None = None
    pool_alive: bool | None = None

    @property
    def answered(self) -> bool:
        return self.outcome == READ

    @property
    def hashing(self) -> bool:
        return self.outcome == READ and (self.ths_5s or 0.0) > 0


def sections(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The reply per command: a multi-command reply holds {"summary": [{...}], ...}; a single
    command's reply is the object itself, filed under its upper-case section names."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in reply.items():
        # a command's reply inside a multi-command one (a single reply's own STATUS list looks alike)
        if (
            key != "STATUS"
            and isinstance(value, list)
            and value
            and isinstance(value[0], dict)
            and "STATUS" in value[0]
        ):
            found[key.lower()] = value[0]
    if not found:
        for key in reply:
            if key not in ("STATUS", "id"):
                found[key.lower()] = reply
    return found


def succeeded(part: dict[str, Any]) -> bool:
    status = part.get("STATUS")
    if isinstance(status, list) and status and isinstance(status[0], dict):
        return status[0].get("STATUS") in ("S", "I")
    return isinstance(status, str) and status in ("S", "I")  # some firmware flatten it


def _rows(part: dict[str, Any] | None, name: str) -> list[dict[str, Any]]:
    if not part:
        return []
    rows = part.get(name)
    if isinstance(rows, dict):
        rows = [rows]
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _first(part: dict[str, Any] | None, name: str) -> dict[str, Any]:
    rows = _rows(part, name)
    return rows[0] if rows else {}


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _safe(read: Callable[[], Any]) -> Any:
    """One field's read; a shape the code did not expect costs that field only."""
    try:
        return read()
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def family_of(parts: dict[str, dict[str, Any]]) -> str:
    """The family a version (or stats) reply names; stock Antminer when nothing else fits."""
    version = _first(parts.get("version"), "VERSION")
    keys = {k.lower() for k in version}
    joined = " ".join(str(v) for v in version.values()).lower()
    if "bosminer" in keys or "boser" in keys or "bosminer" in joined or "braiins" in joined:
        return BRAIINS
    if "luxminer" in keys or "luxminer" in joined or "luxos" in joined:
        return LUXOS
    if "prod" in keys and "avalon" in joined:
        return AVALON
    return ANTMINER


def _ths(row: dict[str, Any], names: Iterable[str]) -> float | None:
    """The first rate present among ``names`` ("GHS 5s", "MHS 5s", ...) in TH/s."""
    for name in names:
        value = number(row.get(name))
        if value is not None:
            scale = {"G": 1e-3, "M": 1e-6, "T": 1.0}[name[0]]
            return round(value * scale, 6)
    return None


def _ideal_ths(stats: dict[str, Any]) -> float | None:
    rate = number(stats.get("total_rateideal"))
    if rate is None:
        return None
    unit = str(stats.get("rate_unit") or "GH").upper()
    return round(rate * {"MH": 1e-6, "GH": 1e-3, "TH": 1.0}.get(unit[:2], 1e-3), 6)


def _temps_in(value: Any) -> list[float]:
    if isinstance(value, str):  # "44-44-63-63" on some S19 firmware
        return [t for t in (number(p) for p in value.replace(" ", "-").split("-") if p) if t is not None]
    single = number(value)
    return [] if single is None else [single]


def _antminer_max_temp(stats: _Json) -> float | None:
    chips: list[float] = []
    boards: list[float] = []
    for key, value in stats.items():
        lowered = key.lower()
        if lowered.startswith(("temp_chip", "temp2_", "temp_pic")):
            chips += _temps_in(value)
        elif lowered.startswith("temp") and lowered[4:].isdigit():  # board sensors: only when no chip reads
            boards += _temps_in(value)
    temps = [t for t in (chips or boards) if 0 < t < 150]  # 0 = no sensor, 255 = read error
    return max(temps) if temps else None


def _antminer_fans(stats: dict[str, Any]) -> tuple[int, ...]:
    fans = []
    for i in range(1, 9):
        value = number(stats.get(f"fan{i}"))
        if value is not None and value > 0:
            fans.append(int(value))
    return tuple(fans)


def _pool_alive(parts: dict[str, dict[str, Any]]) -> bool | None:
    pools = _rows(parts.get("pools"), "POOLS")
    if not pools:
        return None
    return any(str(p.get("Status", "")).lower() == "alive" for p in pools)


def _stats_rows(parts: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = _rows(parts.get("stats"), "STATS")
    head = rows[0] if rows else {}
    body = rows[1] if len(rows) > 1 else head
    return head, body


_RATE_5S = ("GHS 5s", "MHS 5s", "THS 5s")
_RATE_AVG = ("GHS av", "MHS av", "THS av")


def read_reply(address: str, reply: dict[str, Any], family: str | None = None) -> MinerReading:
    """A reading from a (multi-command) reply; ``family`` None: guessed from the version part."""
    parts = {k: v for k, v in sections(reply).items() if succeeded(v)}
    family = family or family_of(parts)
    summary = _first(parts.get("summary"), "SUMMARY")
    version = _first(parts.get("version"), "VERSION")
    head, stats = _stats_rows(parts)
    fields: dict[str, Any] = {
        "ths_5s": _safe(lambda: _ths(summary, _RATE_5S)),
        "ths_avg": _safe(lambda: _ths(summary, _RATE_AVG)),
        "uptime_s": _safe(lambda: int(number(summary.get("Elapsed")) or number(stats.get("Elapsed")))),  # type: ignore[arg-type]
        "pool_alive": _safe(lambda: _pool_alive(parts)),
    }
    reader = _READERS.get(family, _read_antminer)
    fields |= {k: v for k, v in reader(parts, version, head, stats).items() if v is not None or k not in fields}
    fans = fields.pop("fans_rpm", None)
    return MinerReading(address=address, outcome=READ, family=family, fans_rpm=fans or (), **fields)


def _antminer_firmware(version: _Json, head: _Json) -> str | None:
    """ "BMMiner 1.0.0 (Mon Dec 26 17:26:24 CST 2022)": the miner program, its version and build."""
    program = next((name for name in ("BMMiner", "CGMiner") if _text(version.get(name) or head.get(name))), None)
    built = _text(version.get("CompileTime")) or _text(head.get("CompileTime"))
    name = f"{program} {_text(version.get(program) or head.get(program))}" if program else None
    if name and built:
        return f"{name} ({built})"
    return name or built


def _read_antminer(parts: _Json, version: _Json, head: _Json, stats: _Json) -> _Json:
    return {
        "model": _safe(lambda: _text(version.get("Type")) or _text(head.get("Type"))),
        "firmware": _safe(lambda: _antminer_firmware(version, head)),
        "ideal_ths": _safe(lambda: _ideal_ths(stats)),
        "watts": _safe(lambda: number(stats.get("chain_power") or stats.get("Power"))),
        "max_temp_c": _safe(lambda: _antminer_max_temp(stats)),
        "fans_rpm": _safe(lambda: _antminer_fans(stats)),
    }


def _braiins_ideal(details: list[_Json]) -> float | None:
    total_mhs = sum(number(d.get("Nominal MHS")) or 0.0 for d in details)
    return round(total_mhs * 1e-6, 6) if total_mhs > 0 else None


def _read_braiins(parts: _Json, version: _Json, head: _Json, stats: _Json) -> _Json:
    details = _rows(parts.get("devdetails"), "DEVDETAILS")
    tuner = _first(parts.get("tunerstatus"), "TUNERSTATUS")
    temps = _rows(parts.get("temps"), "TEMPS")
    fans = _rows(parts.get("fans"), "FANS")
    return {
        "model": _safe(lambda: next((_text(d.get("Model")) for d in details if _text(d.get("Model"))), None)),
        "firmware": _safe(lambda: _text(version.get("BOSminer")) or _text(version.get("BOSer"))),
        "ideal_ths": _safe(lambda: _braiins_ideal(details)),
        "watts": _safe(lambda: number(tuner.get("ApproximateMinerPowerConsumption"))),
        "max_temp_c": _safe(lambda: max((t for r in temps if (t := number(r.get("Chip"))) is not None), default=None)),
        "fans_rpm": _safe(lambda: tuple(int(v) for f in fans if (v := number(f.get("RPM"))))),
    }


def _read_luxos(parts: _Json, version: _Json, head: _Json, stats: _Json) -> _Json:
    fans = _rows(parts.get("fans"), "FANS")
    found = _read_antminer(parts, version, head, stats)
    lux = _safe(lambda: _text(version.get("LUXminer")) or _text(version.get("Miner")))
    found["firmware"] = lux or found["firmware"]
    found["watts"] = _safe(lambda: number(_first(parts.get("power"), "POWER").get("Watts"))) or found["watts"]
    found["fans_rpm"] = _safe(lambda: tuple(int(v) for f in fans if (v := number(f.get("RPM"))))) or found["fans_rpm"]
    return found


_MM_FIELD = re.compile(r"(\w+)\[([^\]]*)\]")


def avalon_mm_fields(stats_rows: list[dict[str, Any]]) -> dict[str, str]:
    """The `Key[value]` pairs of Avalon's "MM ID0" string (estats), as text."""
    for row in stats_rows:
        for key, value in row.items():
            if key.startswith("MM ID") and isinstance(value, str):
                return dict(_MM_FIELD.findall(value))
    return {}


def _avalon_model(code: Any) -> str | None:
    return f"AvalonMiner {code}" if _text(code) else None


def _read_avalon(parts: _Json, version: _Json, head: _Json, stats: _Json) -> _Json:
    mm = _safe(lambda: avalon_mm_fields(_rows(parts.get("estats"), "STATS"))) or {}
    model = _safe(lambda: _text(version.get("PROD")) or _avalon_model(version.get("MODEL")))
    return {
        "model": model,
        "firmware": _safe(lambda: _text(version.get("VERSION")) or _text(version.get("CGMiner"))),
        "ideal_ths": _safe(lambda: _ths({"GHS": mm.get("GHSmm")}, ["GHS"])),
        "watts": _safe(lambda: number(mm.get("WALLPOWER")) or number(mm.get("MPO"))),
        "max_temp_c": _safe(lambda: number(mm.get("TMax")) or number(mm.get("Tmax"))),
        "fans_rpm": _safe(lambda: tuple(int(v) for i in range(1, 5) if (v := number(mm.get(f"Fan{i}"))))),
    }


_READERS = {ANTMINER: _read_antminer, BRAIINS: _read_braiins, LUXOS: _read_luxos, AVALON: _read_avalon}
