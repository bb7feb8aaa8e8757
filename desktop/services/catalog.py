"""The seed catalog of miner models shipped in resources/catalog.json."""

from __future__ import annotations

import json

from desktop.domain.entities import MinerModel
from desktop.resources import resource_path
from desktop.store import Store


def seed_models() -> list[MinerModel]:
    document = json.loads(resource_path("catalog.json").read_text(encoding="utf-8"))
    return [
        MinerModel(name=m["model"], vendor=m["vendor"], ths=float(m["ths"]), watts=float(m["watts"]))
        for m in document["models"]
    ]


def load_seed_catalog(store: Store) -> int:
    """Adds the catalog's models that the database does not have yet; returns how many."""
    added = 0
    with store.write("load seed catalog"):
        for model in seed_models():
            if store.find_model(model.name) is None:
                store.insert_model(model)
                added += 1
    return added
