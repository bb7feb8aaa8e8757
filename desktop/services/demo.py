"""Loads the worked example (resources/demo.json) into a database, all or nothing."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from desktop.domain.entities import Target
from desktop.domain.values import parse_money_cents
from desktop.errors import ValidationError
from desktop.resources import resource_path
from desktop.services.catalog import load_seed_catalog
from desktop.services.session import Session
from desktop.store import Store, site_money


def demo_scenario() -> dict[str, Any]:
    return json.loads(resource_path("demo.json").read_text(encoding="utf-8"))


def _site_money(store: Store, spec: dict[str, Any]) -> None:
    """The site's facility investment and electricity prices, where the scenario gives them."""
    found = store.find_site(spec["name"])
    if found is None:
        return
    if spec.get("capex_usd"):
        cents = parse_money_cents("capex_usd", spec["capex_usd"])
        site_money.set_investment(store, found.id or 0, cents, date.fromisoformat(spec["capex_on"]))
    for start, price in spec.get("electricity_prices", []):
        site_money.add_price(store, found.id or 0, float(price), date.fromisoformat(start))


def load_demo(session: Session, *, force: bool = False) -> int:
    """Adds the demo's sites, batches and events; returns the number of batches.

    Refuses a database that already holds batches unless ``force``: then the demo
    is added beside them (sites of the same name are reused).
    """
    store, service = session.store, session.fleet
    existing = store.count_batches()
    if existing and not force:
        raise ValidationError(
            "database", f"{store.path} already holds {existing:,} batches; use --force to add the demo anyway"
        )
    scenario = demo_scenario()
    load_seed_catalog(store)
    with store.write("load demo data"):
        for site in scenario["data_centers"]:
            if store.find_site(site["name"]) is None:
                service_site = service.build_site(site["name"], site["country"], site["capacity_mw"], site["notes"])
                store.insert_site(service_site)
            _site_money(store, site)
        for spec in scenario["batches"]:
            batch = store.insert_batch(
                service.build_batch(
                    spec["data_center"],
                    spec["model"],
                    spec["units"],
                    spec["ordered_on"],
                    spec["expected_on"],
                    spec["unit_price_usd"],
                    spec["supplier"],
                    spec["notes"],
                )
            )
            for kind, units, on in spec["events"]:
                store.insert_event(service.build_event(batch.id or 0, kind, units, on))
        for target in scenario.get("targets", []):
            site = store.find_site(target["data_center"])
            due_on = date.fromisoformat(target["due_on"])
            store.insert_target(
                Target(
                    ths=float(target["ths"]),
                    due_on=due_on,
                    data_center_id=site.id if site else None,
                    note=target.get("note", ""),
                )
            )
    service.notify("load demo")
    return len(scenario["batches"])
