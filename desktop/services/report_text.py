"""How the report's cells read, and the definitions its appendix gives."""

from __future__ import annotations

from datetime import date
from typing import Any


def format_cell(value: Any, kind: str) -> str:
    """A cell as the PDF shows it; None (no figure) is a dash."""
    if value is None:
        return "–"
    if kind == "text":
        return str(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "auto":  # the headline's figures: whole numbers without decimals
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if kind == "change":
        return f"{value:+,.2f} %"
    if kind == "usd":
        return f"{value:,.0f}"
    if kind == "usd2":
        return f"{value:,.2f}"
    digits = {"dec1": 1, "dec2": 2, "dec4": 4}.get(kind, 2)
    return f"{value:,.{digits}f}"


EXCEL_FORMATS = {
    "int": "#,##0",
    "auto": "#,##0.00",
    "change": "+0.00;-0.00;0.00",
    "usd": "#,##0",
    "usd2": "#,##0.00",
    "dec1": "#,##0.0",
    "dec2": "#,##0.00",
    "dec4": "0.0000",
    "date": "yyyy-mm-dd",
}

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Month-end figure",
        "The value as of the last day of the month. M/M % compares with the last day of the month "
        "before, Y/Y % with the same month a year before; a dash where the earlier figure is 0 or unknown.",
    ),
    ("Deployed hash rate", "Deployed units x the model's nominal TH/s (the maker's figure), less retired units."),
    (
        "Planned hash rate",
        "Active units (ordered, in transit, on site, deployed) x nominal TH/s: the capacity once "
        "everything is in place. Cancelled and retired units drop out.",
    ),
    ("Share of plan deployed", "Deployed hash rate / planned hash rate."),
    (
        "Units per stage",
        "Where each unit of each batch is at the month's end: ordered (not shipped), in transit, on "
        "site (delivered, not running), deployed, retired (removed), cancelled (never coming).",
    ),
    (
        "Deployed power, capacity",
        "Deployed units x the model's nominal W, in MW; capacity is the sites' power capacity as entered.",
    ),
    (
        "Fleet efficiency (J/TH)",
        "Total nominal W / total nominal TH/s over deployed units (each model weighted by "
        "its deployed units); per model it is the model's W / TH/s. Bands: < 20, 20-30, 30-40, >= 40 J/TH.",
    ),
    ("Energy", "Each day of the month runs the power deployed at that day's end for 24 hours (MWh)."),
    (
        "Power cost",
        "Each day's energy x the site's electricity price in force that day (USD/kWh from a date); energy "
        "on days without a price is not costed (a dash when no day has one). USD per TH/s per day: the month's cost / "
        "the deployed TH/s summed over its days.",
    ),
    (
        "Capex",
        "Miners: units x unit price of the batches ordered by the month's end, less units cancelled by then. "
        "Facilities: each site's investment dated by the month's end. Capex per TH/s: total capex / deployed (or "
        "planned) hash rate.",
    ),
    (
        "Target tracking",
        "Gap: target - deployed hash rate. Needed a month: the gap / the months left to the due date "
        "(days / 30.44); a dash once met or due.",
    ),
    (
        "Delivery slip",
        "For batches with a deployment by the month's end: their latest deployment date - expected "
        "date, in days (negative: early); % late: the share deployed after the expected date.",
    ),
    (
        "Batches expected",
        "Batches whose expected deployment date falls in the three months after the month's end, "
        "with units still ordered, in transit or on site today; cost = those units x unit price.",
    ),
)

NOTES = (
    "Unaudited: figures are computed from the operator's records in Hashplan (nominal maker figures, not measured).",
)
