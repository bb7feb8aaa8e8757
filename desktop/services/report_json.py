"""The report figures as ``summary --json`` keys (added beside the existing ones)."""

from __future__ import annotations

from datetime import date

from desktop.services.report_figures import MonthFigures, ReportFigures, SiteMonth
from desktop.store import Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Any


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _site_money(m: SiteMonth) -> dict[str, Any]:
    return {
        "capex_usd": m.capex_cents / 100,
        "miners_usd": m.miner_capex_cents / 100,
        "facility_usd": m.facility_capex_cents / 100,
        "usd_per_th_deployed": _r(m.usd_per_th_deployed),
        "usd_per_th_planned": _r(m.usd_per_th_planned),
    }


def _power(m: SiteMonth) -> dict[str, Any]:
    return {
        "energy_mwh": _r(m.bill.energy_mwh, 3),
        "cost_usd": _r(m.bill.cost_usd),
        "unpriced_mwh": _r(m.bill.unpriced_mwh, 3),
        "usd_per_th_day": _r(m.bill.usd_per_th_day, 4),
    }


def report_keys(store: Store, at: date) -> dict[str, Any]:
    """efficiency, capex, targets, delivery_slip and power (the month to ``at``)."""
    figures = ReportFigures(store)
    month: MonthFigures = figures.month(at.replace(day=1), until=at)
    slip = figures.slip(at)
    return {
        "efficiency": {
            "j_per_th": _r(month.total.j_per_th),
            "data_centers": [{"name": m.name, "j_per_th": _r(m.j_per_th)} for m in month.sites],
            "models": [
                {
                    "model": x.label,
                    "deployed_units": x.deployed_units,
                    "deployed_ths": _r(x.deployed_ths, 6),
                    "j_per_th": _r(x.j_per_th),
                }
                for x in month.models
            ],
            "bands": [
                {"band": b.label, "deployed_units": b.deployed_units, "deployed_ths": _r(b.deployed_ths, 6)}
                for b in month.bands
            ],
        },
        "capex": {
            **_site_money(month.total),
            "data_centers": [{"name": m.name, **_site_money(m)} for m in month.sites],
        },
        "targets": [
            {
                "name": name,
                "target_ths": t.target_ths,
                "due_on": t.due_on.isoformat(),
                "deployed_ths": _r(t.deployed_ths, 6),
                "gap_ths": _r(t.gap_ths, 6),
                "months_left": _r(t.months_left),
                "needed_ths_per_month": _r(t.needed_ths_per_month),
            }
            for name, t in figures.targets(month)
        ],
        "delivery_slip": {
            key: [
                {"name": n, "batches": c, "mean_days_late": _r(d, 1), "percent_late": _r(p, 1)} for n, c, d, p in rows
            ]
            for key, rows in (("suppliers", slip["supplier"]), ("data_centers", slip["site"]))
        },
        "power": {
            "month": at.strftime("%Y-%m"),
            "through": at.isoformat(),
            **_power(month.total),
            "data_centers": [{"name": m.name, **_power(m)} for m in month.sites],
        },
    }
