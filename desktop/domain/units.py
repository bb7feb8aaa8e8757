"""Showing figures: hash rate in TH/s, PH/s or EH/s by size; money; power."""

from __future__ import annotations

HASHRATE_UNITS = (("EH/s", 1_000_000.0), ("PH/s", 1_000.0), ("TH/s", 1.0))


def hashrate_unit(ths: float) -> tuple[str, float]:
    """The unit a figure of this size reads best in, and its size in TH/s."""
    magnitude = abs(ths)
    for unit, scale in HASHRATE_UNITS:
        if magnitude >= scale:
            return unit, scale
    return "TH/s", 1.0


def format_hashrate(ths: float, decimals: int = 2) -> str:
    unit, scale = hashrate_unit(ths)
    return f"{ths / scale:,.{decimals}f} {unit}"


def format_usd(cents: int) -> str:
    from decimal import Decimal  # (not for every command that formats a hash rate)

    return f"USD {Decimal(cents) / 100:,.2f}"


def format_mw(mw: float | None) -> str:
    """Power in MW, or in GW from 1,000 MW (a fleet's 32,353.40 MW did not fit its tile)."""
    if mw is None:
        return "-"
    return f"{mw / 1000:,.2f} GW" if abs(round(mw, 2)) >= 1000 else f"{mw:,.2f} MW"


def format_units(units: int) -> str:
    return f"{units:,}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 problem", "2 problems", "1 data center", "1,200 batches" (issue #14 item 6)."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"
