"""Add or edit a catalog miner model: vendor, model, TH/s and W, with J/TH shown live."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop.domain.entities import MinerModel
from desktop.domain.values import clean_name, parse_ths_per_unit, parse_watts_per_unit
from desktop.services.fleet import FleetService
from desktop.ui.dialogs.form import ValidatedDialog
from desktop.ui.dialogs.widgets import number_edit


class ModelValues:
    def __init__(self, name: str, vendor: str, ths: str, watts: str) -> None:
        self.name, self.vendor, self.ths, self.watts = name, vendor, ths, watts


class ModelDialog(ValidatedDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        on_submit: Callable[[ModelValues], None],
        model: MinerModel | None = None,
    ) -> None:
        super().__init__(
            parent, "Edit miner model" if model else "New miner model", "Save" if model else "Add to catalog"
        )
        self.fleet = fleet
        self.model = model
        self._on_submit = on_submit

        self.vendor_edit = QLineEdit()
        self.vendor_edit.setPlaceholderText("e.g. Bitmain")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Required, e.g. Antminer S19 XP")
        self.ths_edit = number_edit("e.g. 140")
        self.watts_edit = number_edit("e.g. 3010")
        self.efficiency = QLabel("-")
        if model is not None:
            self.vendor_edit.setText(model.vendor)
            self.name_edit.setText(model.name)
            self.ths_edit.setText(f"{model.ths:g}")
            self.watts_edit.setText(f"{model.watts:g}")
            if fleet.model_in_use(model.id or 0):
                self.set_header("Batches use this model: new TH/s or W figures change their hash rate and power too.")

        self.add_field("vendor", "&Vendor", self.vendor_edit)
        self.add_field("model", "&Model", self.name_edit, lambda: clean_name("model", self.name_edit.text()))
        self.add_field(
            "ths",
            "&Hash rate",
            self.ths_edit,
            lambda: parse_ths_per_unit("ths", self.ths_edit.text()),
            suffix="TH/s",
        )
        self.add_field(
            "watts",
            "&Power draw",
            self.watts_edit,
            lambda: parse_watts_per_unit("watts", self.watts_edit.text()),
            suffix="W",
        )
        self.add_separator()
        self.add_row("Efficiency", self.efficiency)
        self.vendor_edit.setFocus()
        self.revalidate()

    def values(self) -> ModelValues:
        return ModelValues(self.name_edit.text(), self.vendor_edit.text(), self.ths_edit.text(), self.watts_edit.text())

    def update_readout(self) -> None:
        ths, watts = self.fields["ths"], self.fields["watts"]
        if ths.error or watts.error:
            self.efficiency.setText("-")
            return
        j_per_th = parse_watts_per_unit("watts", self.watts_edit.text()) / parse_ths_per_unit(
            "ths", self.ths_edit.text()
        )
        self.efficiency.setText(f"{j_per_th:,.1f} J/TH")

    def check_form(self) -> None:
        v = self.values()
        self.fleet.build_model(v.name, v.vendor, v.ths, v.watts, model_id=self.model.id if self.model else None)

    def submit(self) -> None:
        self._on_submit(self.values())
