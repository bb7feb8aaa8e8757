"""Column titles for people (XLSX) beside the machine names (CSV, JSON), both ways (issue #14 item 12).

An XLSX export reads "Data center", "Miner model", "TH/s per unit"; importing it back maps
those titles to the machine names, so the workbook stays re-importable.
"""

from __future__ import annotations

_TITLES = {
    "id": "ID",
    "as_of": "As of",
    "date": "Date",
    "data_center": "Data center",
    "country": "Country",
    "miner_model": "Miner model",
    "vendor": "Vendor",
    "ths_per_unit": "TH/s per unit",
    "watts_per_unit": "W per unit",
    "units": "Units",
    "ordered_on": "Ordered on",
    "expected_on": "Expected on",
    "unit_price_usd": "Unit price (USD)",
    "total_cost_usd": "Total cost (USD)",
    "supplier": "Supplier",
    "status": "Status",
    "deployed_units": "Deployed units",
    "deployed_on": "Deployed on",
    "notes": "Notes",
    "data_center_capacity_mw": "Data center capacity (MW)",
    # The cells show their unit (PH/s, MW: xlsx_writer's number formats), so the titles do not.
    "deployed_ths": "Deployed hash rate",
    "planned_ths": "Planned hash rate",
    "measured_ths": "Measured hash rate",
    "deployed_power_mw": "Deployed power",
    "capacity_mw": "Capacity",
}


def human_title(column: str) -> str:
    """ "data_center" -> "Data center"; "units_in_transit" -> "Units in transit"."""
    if column in _TITLES:
        return _TITLES[column]
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


_MACHINE = {title.casefold(): name for name, title in _TITLES.items()}


def machine_name(title: str) -> str:
    """A header cell as the machine name: "Miner model" -> "miner_model" (others lowercased)."""
    key = title.strip().lstrip("\ufeff").casefold()
    if key in _MACHINE:
        return _MACHINE[key]
    return key.replace(" ", "_") if key.startswith("units ") else key
