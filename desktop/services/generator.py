"""A realistic synthetic fleet at any scale: for benchmarks and for trying the app on a big fleet.

50 data centers in mining countries, the catalog's models bought in the years they sold,
batches ordered over 2016..today with partial shipments, deliveries, deployments, some
cancellations and retirements of old machines. Every batch's events replay validly (never
more units than a stage holds, nothing before the order date, nothing after today), and
all of it lands in one transaction through store.bulk (one audit row for the action).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from desktop.domain.entities import DataCenter, MinerModel
from desktop.domain.stages import EventKind
from desktop.errors import ValidationError
from desktop.store import Store, bulk

FIRST_ORDER = date(2016, 1, 4)

# (name, country, capacity MW): places where miners really run; capacities plausible.
SITES: tuple[tuple[str, str], ...] = (
    ("Ekibastuz", "Kazakhstan"), ("Pavlodar", "Kazakhstan"), ("Karaganda", "Kazakhstan"),
    ("Semey", "Kazakhstan"), ("Rockdale", "United States"), ("Corsicana", "United States"),
    ("Dalton", "United States"), ("Kearney", "United States"), ("Massena", "United States"),
    ("Coshocton", "United States"), ("Granbury", "United States"), ("Garden City", "United States"),
    ("Odessa", "United States"), ("Columbus", "United States"), ("Baie-Comeau", "Canada"),
    ("Drumheller", "Canada"), ("Sherbrooke", "Canada"), ("Medicine Hat", "Canada"),
    ("Prince George", "Canada"), ("Boden", "Sweden"), ("Luleå", "Sweden"), ("Kajaani", "Finland"),
    ("Reykjanesbær", "Iceland"), ("Blönduós", "Iceland"), ("Mo i Rana", "Norway"),
    ("Kristiansand", "Norway"), ("Bratsk", "Russia"), ("Irkutsk", "Russia"), ("Norilsk", "Russia"),
    ("Hernandarias", "Paraguay"), ("Villarrica", "Paraguay"), ("Asunción", "Paraguay"),
    ("Addis Ababa", "Ethiopia"), ("Adama", "Ethiopia"), ("Ras Al Khaimah", "United Arab Emirates"),
    ("Abu Dhabi", "United Arab Emirates"), ("Muscat", "Oman"), ("Tbilisi", "Georgia"),
    ("Ekaterinburg", "Russia"), ("Chongqing", "China"), ("Ya'an", "China"), ("Ordos", "China"),
    ("San Salvador", "El Salvador"), ("Montevideo", "Uruguay"), ("Kampala", "Uganda"),
    ("Tashkent", "Uzbekistan"), ("Yerevan", "Armenia"), ("Thimphu", "Bhutan"), ("Lahti", "Finland"),
    ("Tromsø", "Norway"),
)  # fmt: skip

# When each catalog model sold (first, last order year); unknown models sell any year.
SELLING_YEARS: dict[str, tuple[int, int]] = {
    "antminer s9": (2016, 2019),
    "antminer s17 pro": (2019, 2020),
    "antminer t17": (2019, 2020),
    "whatsminer m20s": (2019, 2021),
    "antminer s19": (2020, 2022),
    "antminer s19 pro": (2020, 2023),
    "whatsminer m30s": (2020, 2022),
    "avalonminer 1246": (2020, 2022),
    "whatsminer m30s++": (2021, 2023),
    "antminer s19j pro": (2021, 2024),
    "antminer s19 xp": (2022, 2024),
    "whatsminer m50": (2023, 2025),
    "antminer s21": (2024, 2026),
}

CHUNK_BATCHES = 20_000  # batches (and their ~10 events each) planned, written and booked at a time

SUPPLIERS = ("Bitmain", "MicroBT", "Canaan", "Compass Mining", "Luxor", "Kaboomracks", "Upstream Data")


@dataclass(frozen=True)
class GeneratedFleet:
    sites: int
    batches: int
    events: int
    first_order: date
    last_order: date


Progress = Callable[[str, int, int], None]  # (phase, done, total)


def _years(model: MinerModel) -> tuple[int, int]:
    return SELLING_YEARS.get(model.key, (0, 9999))


def _iso(cache: dict[int, str], day: int) -> str:
    """A day ordinal as ISO text, made once per day (a fleet has ~4,000 days, millions of dates)."""
    found = cache.get(day)
    if found is None:
        found = cache[day] = date.fromordinal(day).isoformat()
    return found


def _model_for(rng: random.Random, models: list[MinerModel], year: int) -> MinerModel:
    selling = [m for m in models if _years(m)[0] <= year <= _years(m)[1]]
    return rng.choice(selling or models)


def _order_dates(rng: random.Random, count: int, today: date) -> list[int]:
    """Order days as ordinals, growing over the years (fleets grow), sorted."""
    start, end = FIRST_ORDER.toordinal(), today.toordinal()
    span = end - start
    # sqrt of a uniform skews later: twice as many orders per day at the end as a third in.
    return sorted(start + int(span * rng.random() ** 0.6) for _ in range(count))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` as ``parts`` positive whole amounts (fewer parts when total is small)."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def _lifecycle(
    rng: random.Random, units: int, ordered: int, today: int, budget: int
) -> list[tuple[EventKind, int, int]]:
    """About ``budget`` events (kind, units, day ordinal) that replay validly.

    Phases run in order (cancel, ship, deliver, deploy, retire); each phase moves at most
    what the previous one delivered, split into partial events; dates never pass today.
    """
    age = today - ordered
    if budget <= 0 or age <= 0:
        return []
    kinds = [EventKind.SHIPPED]
    if age > 25:
        kinds.append(EventKind.DELIVERED)
    if age > 40:
        kinds.append(EventKind.DEPLOYED)
    if age > 3 * 365 and budget > len(kinds):
        kinds.append(EventKind.RETIRED)
    events: list[tuple[EventKind, int, int]] = []
    available = units
    day = ordered
    if budget > len(kinds) and units >= 4 and rng.random() < 0.08:
        cancelled = max(1, int(units * rng.uniform(0.05, 0.4)))
        day = min(today, day + rng.randint(3, 30))
        events.append((EventKind.CANCELLED, cancelled, day))
        available -= cancelled
        budget -= 1
    kinds = kinds[: max(1, budget)]
    # Events per phase: at least one each, the rest spread (more splits in early phases).
    per_kind = [1] * len(kinds)
    for _ in range(budget - len(kinds)):
        per_kind[min(int(rng.random() ** 1.5 * len(kinds)), len(kinds) - 1)] += 1
    gaps = {EventKind.SHIPPED: (2, 30), EventKind.DELIVERED: (7, 45), EventKind.DEPLOYED: (1, 20)}
    for kind, count in zip(kinds, per_kind, strict=True):
        if kind is EventKind.RETIRED:
            moved = max(1, int(available * rng.uniform(0.05, 0.7)))
            low, high = 365, 4 * 365
        else:
            # A phase sometimes stops short (some units still on the road or unpacked).
            moved = available if rng.random() < 0.85 else max(1, int(available * rng.uniform(0.5, 0.95)))
            low, high = gaps[kind]
        first = day + rng.randint(low, high)
        for amount in _split(rng, moved, count):
            day = min(today, first)
            events.append((kind, amount, day))
            first = day + rng.randint(0, 6)
        available = moved
        if day >= today:
            # Out of time: what is left of the budget stays as later phases that never happened.
            break
    return events


def _add_sites(store: Store) -> tuple[list[int], list[DataCenter]]:
    """The 50 data centers (reusing any that exist by name); the new ones get their capacity
    once their batches are known (_set_capacities)."""
    ids, new = [], []
    for name, country in SITES:
        found = store.find_site(name)
        if found is None:
            found = store.insert_site(DataCenter(name=name, country=country))
            new.append(found)
        ids.append(found.id or 0)
    return ids, new


def _set_capacities(store: Store, rng: random.Random, new: list[DataCenter], watts: dict[int, float]) -> None:
    """A new site's capacity: a bit above the power its batches plan for."""
    for site in new:
        capacity = round(max(5.0, watts[site.id or 0] / 1_000_000 * rng.uniform(0.8, 1.6)), 1)
        store.update_site(replace(site, capacity_mw=capacity))


def generate_fleet(
    store: Store,
    *,
    batches: int,
    events: int,
    seed: int = 0,
    today: date | None = None,
    progress: Progress | None = None,
) -> GeneratedFleet:
    """Adds 50 data centers, ``batches`` batches and about ``events`` events (never more)."""
    if batches < 0 or events < 0:
        raise ValidationError("batches", "batches and events must be 0 or more")
    if events and not batches:
        raise ValidationError("events", "events need batches to happen to; give --batches too")
    if store.count_batches():
        raise ValidationError("db", f"{store.path} already holds batches; generate into a new database file")
    rng = random.Random(seed)
    today_ord = (today or date.today()).toordinal()
    models = store.list_models()
    if not models:
        raise ValidationError("model", "the database has no miner models to buy")
    report = progress or (lambda phase, done, total: None)

    orders = _order_dates(rng, batches, date.fromordinal(today_ord))
    # Events per batch: older batches have lived longer and have more history.
    weights = [1.0 + min(today_ord - o, 5 * 365) / 365 for o in orders]
    scale = events / sum(weights) if batches else 0.0
    budgets = [int(w * scale) for w in weights]
    for i in rng.sample(range(batches), min(batches, events - sum(budgets))) if batches else []:
        budgets[i] += 1

    with store.write(f"generate a fleet of {batches:,} batches"):
        site_of_batch = [int(len(SITES) * rng.random() ** 1.3) for _ in orders]  # a few big sites
        site_ids, new_sites = _add_sites(store)
        site_watts = dict.fromkeys(site_ids, 0.0)
        iso: dict[int, str] = {}
        events_written = 0
        with bulk.bulk_insert(store, expected_batches=batches) as writer:
            # A chunk at a time, booked as it lands: memory is one chunk's rows, whatever the fleet.
            for start in range(0, batches, CHUNK_BATCHES):
                batch_rows, lifecycles = [], []
                for i in range(start, min(start + CHUNK_BATCHES, batches)):
                    ordered = orders[i]
                    model = _model_for(rng, models, date.fromordinal(ordered).year)
                    units = max(10, int(rng.lognormvariate(4.2, 0.8)))
                    site_id = site_ids[site_of_batch[i]]
                    site_watts[site_id] += units * model.watts
                    expected = min(ordered + rng.randint(30, 150), today_ord + 365)
                    price = int(model.ths * rng.uniform(15, 60)) * 100
                    supplier = rng.choice(SUPPLIERS)
                    batch_rows.append(
                        (site_id, model.id, units, _iso(iso, ordered), _iso(iso, expected), price, supplier, "")
                    )
                    lifecycles.append(_lifecycle(rng, units, ordered, today_ord, budgets[i]))
                ids = writer.add_batch_rows(batch_rows)
                event_rows = [
                    (batch_id, kind.value, amount, _iso(iso, day), "")
                    for batch_id, lifecycle in zip(ids, lifecycles, strict=True)
                    for kind, amount, day in lifecycle
                ]
                writer.add_event_rows(event_rows)
                events_written += len(event_rows)
                writer.book_so_far()
                report("writing batches and events", start + len(batch_rows), batches)
        _set_capacities(store, rng, new_sites, site_watts)
        bulk.audit_bulk(
            store, "generate", "fleet",
            {"seed": seed, "batches": batches, "events": events_written, "sites": len(site_ids)},
        )  # fmt: skip
    report("done", events, events)
    return GeneratedFleet(
        sites=len(site_ids),
        batches=batches,
        events=events_written,
        first_order=date.fromordinal(orders[0]) if orders else date.fromordinal(today_ord),
        last_order=date.fromordinal(orders[-1]) if orders else date.fromordinal(today_ord),
    )
