"""Add or edit a target: a hash rate to reach by a date, for one site or the whole fleet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desktop.domain.entities import Target
from desktop.domain.units import hashrate_unit
from desktop.domain.values import parse_positive
from desktop.errors import ValidationError
from desktop.services.fleet import FleetService
from desktop.ui.dialogs.form import ValidatedDialog
from desktop.ui.dialogs.widgets import date_check, date_edit, number_edit

UNITS = (("TH/s", 1.0), ("PH/s", 1_000.0), ("EH/s", 1_000_000.0))


@dataclass(frozen=True)
class TargetValues:
    ths: float | str  # the typed figure in TH/s (text when it is not a number: the service says why)
    due_on: str
    data_center: int | None  # a site id, None for the whole fleet
    note: str


class TargetDialog(ValidatedDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        on_submit: Callable[[TargetValues], None],
        target: Target | None = None,
        site_id: int | None = None,
    ) -> None:
        super().__init__(parent, f"Edit target #{target.id}" if target else "New target", "Save" if target else "Add")
        self.fleet = fleet
        self._on_submit = on_submit
        self.site_combo = QComboBox()
        self.site_combo.addItem("Whole fleet", None)
        for site in fleet.list_sites():
            self.site_combo.addItem(site.name, site.id)
        self.rate_edit = number_edit("e.g. 458")
        self.unit_combo = QComboBox()
        for unit, scale in UNITS:
            self.unit_combo.addItem(unit, scale)
        self.unit_combo.setCurrentIndex(1)  # PH/s: how operators state a goal
        due = date.today() + timedelta(days=90)
        self.due_edit = date_edit(QDate(due.year, due.month, due.day))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("optional, e.g. phase 1 of the Texas build-out")
        self.add_field("data_center", "&For", self.site_combo)
        self.add_field("target", "&Hash rate", self.rate_edit, self._check_rate, trailing=self.unit_combo)
        self.add_field("due_on", "&Due by", self.due_edit, date_check("due_on", self.due_edit))
        self.add_field("note", "N&ote", self.note_edit)
        self.unit_combo.currentIndexChanged.connect(lambda _: self.revalidate())
        chosen = target.data_center_id if target else site_id
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(chosen)))
        if target is not None:
            unit, scale = hashrate_unit(target.ths)
            self.unit_combo.setCurrentIndex(self.unit_combo.findText(unit))
            self.rate_edit.setText(f"{target.ths / scale:,.6g}")
            self.due_edit.setDate(QDate(target.due_on.year, target.due_on.month, target.due_on.day))
            self.note_edit.setText(target.note)
        self.revalidate()
        self.rate_edit.setFocus()

    def _check_rate(self) -> float:
        return parse_positive("target", self.rate_edit.text(), self.unit_combo.currentText())

    def ths(self) -> float | str:
        try:
            return self._check_rate() * float(self.unit_combo.currentData())
        except ValidationError:
            return self.rate_edit.text()

    def values(self) -> TargetValues:
        return TargetValues(self.ths(), self.due_edit.text(), self.site_combo.currentData(), self.note_edit.text())

    def check_form(self) -> None:
        v = self.values()
        self.fleet.build_target(v.ths, v.due_on, v.data_center, v.note)

    def submit(self) -> None:
        self._on_submit(self.values())
