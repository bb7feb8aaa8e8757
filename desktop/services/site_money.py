"""Setting a site's facility investment and its electricity prices (one audited write each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.values import _to_decimal, parse_date, parse_money_cents
from desktop.errors import ValidationError
from desktop.services.fleet import FleetService
from desktop.store import Store, site_money

MAX_USD_PER_KWH = Decimal(10)  # no grid charges this; a typo of cents for dollars is caught


@dataclass(frozen=True)
class ElectricityPrice:
    id: int
    site_name: str
    usd_per_kwh: float
    from_on: date


class SiteMoneyService:
    def __init__(self, store: Store, fleet: FleetService) -> None:
        self._store = store
        self._fleet = fleet

    @staticmethod
    def check_investment(capex_usd: Any, invested_on: Any) -> tuple[int | None, date | None]:
        """(cents, date), or (None, None) for '' (clear); bad input raises ValidationError."""
        if capex_usd is None or (isinstance(capex_usd, str) and not capex_usd.strip()):
            return None, None
        return parse_money_cents("capex_usd", capex_usd), parse_date("capex_on", invested_on)

    def set_investment(self, site: Any, capex_usd: Any, invested_on: Any) -> None:
        """A site's facility capex and its date ('' or None clears both)."""
        found = self._fleet.site(site)
        cents, on = self.check_investment(capex_usd, invested_on)
        with self._store.write(f"set investment of {found.name}"):
            site_money.set_investment(self._store, found.id or 0, cents, on)
        self._fleet.notify("edit site")

    def investments(self) -> dict[int, tuple[int, date]]:
        return site_money.investments(self._store)

    def add_price(self, site: Any, usd_per_kwh: Any, from_on: Any) -> ElectricityPrice:
        found = self._fleet.site(site)
        price = _to_decimal("usd_per_kwh", usd_per_kwh)
        if not 0 <= price <= MAX_USD_PER_KWH:
            raise ValidationError("usd_per_kwh", f"{price} USD/kWh is outside 0 to {MAX_USD_PER_KWH} USD/kWh")
        start = parse_date("from", from_on)
        assert start is not None  # required
        with self._store.write(f"set electricity price of {found.name} from {start}"):
            price_id = site_money.add_price(self._store, found.id or 0, float(price), start)
        self._fleet.notify("edit site")
        return ElectricityPrice(price_id, found.name, float(price), start)

    def prices(self) -> list[ElectricityPrice]:
        names = {s.id: s.name for s in self._store.list_sites()}
        return [
            ElectricityPrice(pid, names.get(site, "?"), price, on)
            for pid, site, price, on in site_money.prices(self._store)
        ]
