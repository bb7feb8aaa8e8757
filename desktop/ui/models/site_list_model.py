"""The site list: "All sites" then each data center, with deployed / planned hash rate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.domain.hashrate import SiteFigures
from desktop.domain.units import format_hashrate, format_mw, hashrate_unit
from desktop.services.snapshot import FleetSnapshot

SITE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
FIGURES_ROLE = Qt.ItemDataRole.UserRole + 2
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3  # "145.56 / 457.06 PH/s"
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 4  # deployed / planned, 0..1

ALL_SITES = "All sites"
Index = QModelIndex | QPersistentModelIndex


def hashrate_pair(deployed_ths: float, planned_ths: float) -> str:
    """Both figures in the unit of the larger one: "145.56 / 457.06 PH/s"."""
    unit, scale = hashrate_unit(max(deployed_ths, planned_ths))
    return f"{deployed_ths / scale:,.2f} / {planned_ths / scale:,.2f} {unit}"


@dataclass(frozen=True)
class SiteEntry:
    site_id: int | None
    name: str
    figures: SiteFigures


class SiteListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[SiteEntry] = []

    def set_snapshot(self, snapshot: FleetSnapshot) -> None:
        entries = [SiteEntry(None, ALL_SITES, snapshot.summary.total)]
        entries += [SiteEntry(f.data_center_id, f.name, f) for f in snapshot.summary.sites]
        if [(e.site_id, e.name) for e in entries] == [(e.site_id, e.name) for e in self._entries]:
            self._entries = entries  # same sites: update in place, the selection stays
            self.dataChanged.emit(self.index(0), self.index(len(entries) - 1))
            return
        self.beginResetModel()
        self._entries = entries
        self.endResetModel()

    def names(self) -> list[str]:
        return [e.name for e in self._entries]

    def row_of(self, site_id: int | None) -> int:
        return next((i for i, e in enumerate(self._entries) if e.site_id == site_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        figures = entry.figures
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.name
        if role == SITE_ID_ROLE:
            return entry.site_id
        if role == FIGURES_ROLE:
            return figures
        if role == DETAIL_ROLE:
            if not figures.planned_ths and not figures.deployed_ths:
                return "no miners planned yet"
            return hashrate_pair(figures.deployed_ths, figures.planned_ths)
        if role == PROGRESS_ROLE:
            return figures.deployed_ths / figures.planned_ths if figures.planned_ths else 0.0
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{entry.name}\nDeployed {format_hashrate(figures.deployed_ths)} of "
                f"{format_hashrate(figures.planned_ths)} planned ({figures.percent_of_plan:.1f}%)\n"
                f"{figures.units.deployed:,} units deployed, {figures.units.in_transit:,} in transit\n"
                f"Power {format_mw(figures.deployed_power_mw)} deployed, capacity {format_mw(figures.capacity_mw)}"
            )
        return None
