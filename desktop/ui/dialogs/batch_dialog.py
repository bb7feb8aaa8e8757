"""Log or edit a batch: site, catalog model, units, unit price or total cost, dates.

Prices are typed either per unit or as the lot's total (a toggle); the other is
computed and shown. A live read-out gives the planned hash rate, power and cost per TH.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QToolButton,
    QWidget,
)

from desktop.domain.batch_rules import check_units_change, lot_total_cents, unit_price_text
from desktop.domain.entities import Batch, MinerModel
from desktop.domain.ledger import replay
from desktop.domain.units import format_hashrate, format_usd
from desktop.domain.values import cents_to_decimal, parse_money_cents, parse_units
from desktop.errors import ValidationError
from desktop.services.fleet import FleetService
from desktop.services.inputs import BatchInput
from desktop.ui.dialogs.event_dialog import stage_line
from desktop.ui.dialogs.stale_edit import VersionedEditDialog
from desktop.ui.dialogs.widgets import date_check, date_edit, number_edit


@dataclass(frozen=True)
class BatchValues:
    """The form as its text; ``parse`` makes the service's typed input (the form is an edge)."""

    data_center: int
    model: int
    units: str
    ordered_on: str
    expected_on: str
    unit_price_usd: str | None
    supplier: str
    notes: str
    total_cost_usd: str | None
    version: int | None = None  # the row version the form was read at (None: a new batch)

    def parse(self) -> BatchInput:
        """The typed input the service takes (raises ValidationError naming the field)."""
        return BatchInput.parse(
            self.data_center, self.model, self.units, self.ordered_on, self.expected_on, self.unit_price_usd,
            self.supplier, self.notes, total_cost_usd=self.total_cost_usd,
        )  # fmt: skip


def model_label(model: MinerModel) -> str:
    return f"{model.label}  ·  {model.ths:,g} TH/s  ·  {model.watts:,g} W"


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _money_text(cents: int) -> str:
    return f"{cents_to_decimal(cents):,.2f}"


class BatchDialog(VersionedEditDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        on_submit: Callable[[BatchValues], None],
        batch: Batch | None = None,
        site_id: int | None = None,
        on_new_model: Callable[[], int | None] | None = None,
    ) -> None:
        title = f"Edit batch #{batch.id}" if batch else "New batch"
        super().__init__(parent, title, "Save" if batch else "Add batch")
        self.fleet = fleet
        self.batch = batch
        self._on_submit = on_submit
        self._on_new_model = on_new_model
        self._models: dict[int, MinerModel] = {}

        self.site_combo = QComboBox()
        self._fill_sites()
        self.model_combo = QComboBox()
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_models()
        self.units_edit = number_edit("e.g. 2,500")
        self.per_unit_radio = QRadioButton("&Unit price")
        self.total_radio = QRadioButton("&Total cost")
        self.per_unit_radio.setChecked(True)
        self.price_mode = QButtonGroup(self)
        self.price_mode.addButton(self.per_unit_radio)
        self.price_mode.addButton(self.total_radio)
        self.unit_price_edit = number_edit("0.00")
        self.total_cost_edit = number_edit("0.00")
        self.supplier_edit = QLineEdit()
        self.supplier_edit.setPlaceholderText("e.g. Bitmain")
        today = date.today()
        self.ordered_edit = date_edit(_qdate(today))
        self.expected_edit = date_edit(_qdate(today + timedelta(days=60)))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(64)
        self.planned_label = QLabel("-")
        self.power_label = QLabel("-")
        self.cost_per_th_label = QLabel("-")

        new_model: QToolButton | None = None
        if on_new_model is not None:
            new_model = QToolButton()
            new_model.setText("New…")
            new_model.setToolTip("Add a miner model to the catalog")
            new_model.clicked.connect(self._add_model)

        self.add_field("data_center", "&Data center", self.site_combo, self._check_site)
        self.add_field("model", "&Miner model", self.model_combo, self._check_model, trailing=new_model)
        self.add_field(
            "units", "U&nits", self.units_edit, lambda: parse_units("units", self.units_edit.text()), suffix="units"
        )
        mode_row = QWidget()
        mode_layout = QHBoxLayout(mode_row)
        mode_layout.setContentsMargins(0, 0, 0, 0)
        mode_layout.addWidget(self.per_unit_radio)
        mode_layout.addWidget(self.total_radio)
        mode_layout.addStretch(1)
        self.add_row("Price given as", mode_row)
        self.add_field("unit_price", "Unit price", self.unit_price_edit, self._check_unit_price, suffix="USD")
        self.add_field("total_cost", "Total cost", self.total_cost_edit, self._check_total, suffix="USD")
        self.add_field("supplier", "Su&pplier", self.supplier_edit)
        self.add_field("ordered_on", "&Order date", self.ordered_edit, date_check("ordered_on", self.ordered_edit))
        self.add_field(
            "expected_on", "&Expected deployment", self.expected_edit, date_check("expected_on", self.expected_edit)
        )
        self.add_field("notes", "No&tes", self.notes_edit)
        self.add_separator()
        self.add_row("Planned hash rate", self.planned_label)
        self.add_row("Power at full load", self.power_label)
        self.add_row("Cost per TH", self.cost_per_th_label)

        if batch is not None:
            self._load(batch)
        elif site_id is not None:
            self._select(self.site_combo, site_id)
        # An empty site list or catalog is worth saying at once: nothing to type fixes it.
        self.fields["data_center"].touched = self.site_combo.count() == 0
        self.fields["model"].touched = self.model_combo.count() == 0
        self.per_unit_radio.toggled.connect(self._mode_changed)
        self._mode_changed()
        self.units_edit.setFocus()

    # -- filling -------------------------------------------------------------------

    def _fill_sites(self) -> None:
        self.site_combo.clear()
        for site in self.fleet.list_sites():
            self.site_combo.addItem(site.name + (f"  ({site.country})" if site.country else ""), site.id)

    def _fill_models(self, select: int | None = None) -> None:
        self._models = {m.id or 0: m for m in self.fleet.list_models()}
        self.model_combo.clear()
        for model in self._models.values():
            self.model_combo.addItem(model_label(model), model.id)
        # Wide enough for "vendor model · TH/s · W" in full (wrapped labels keep the dialog narrow).
        self.model_combo.setMinimumWidth(self.model_combo.sizeHint().width())
        if select is not None:
            self._select(self.model_combo, select)

    @staticmethod
    def _select(combo: QComboBox, item_id: int) -> None:
        index = combo.findData(item_id)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _load(self, batch: Batch) -> None:
        self.batch = batch
        self.version = batch.version  # saves go against what the form shows
        self._select(self.site_combo, batch.data_center_id)
        self._select(self.model_combo, batch.model_id)
        self.units_edit.setText(f"{batch.units:,}")
        self.unit_price_edit.setText(_money_text(batch.unit_price_cents))
        self.supplier_edit.setText(batch.supplier)
        self.ordered_edit.setDate(_qdate(batch.ordered_on))
        self.expected_edit.setDate(_qdate(batch.expected_on))
        self.notes_edit.setPlainText(batch.notes)
        counts = replay(batch, self.fleet.events_for_batch(batch.id or 0))
        self.set_header(f"Batch #{batch.id} now: {stage_line(counts)}")

    # -- changed elsewhere while open ------------------------------------------------

    def saved_version(self) -> int:
        assert self.batch is not None and self.batch.id is not None
        return self.fleet.get_batch(self.batch.id).version

    def reload_saved(self) -> None:
        assert self.batch is not None and self.batch.id is not None
        saved = self.fleet.get_batch(self.batch.id)
        self._fill_sites()  # the other side may have used a site or model added since
        self._fill_models()
        self.per_unit_radio.setChecked(True)  # the saved unit price, not a total to split
        self._load(saved)

    def _add_model(self) -> None:
        assert self._on_new_model is not None
        model_id = self._on_new_model()
        if model_id is not None:
            self._fill_models(select=model_id)
            self.revalidate()

    def _mode_changed(self, *_: object) -> None:
        per_unit = self.per_unit_radio.isChecked()
        self.unit_price_edit.setEnabled(per_unit)
        self.total_cost_edit.setEnabled(not per_unit)
        self.fields["unit_price"].touched = self.fields["total_cost"].touched = False
        (self.unit_price_edit if per_unit else self.total_cost_edit).setFocus()
        self.revalidate()

    # -- checks --------------------------------------------------------------------

    def _check_site(self) -> None:
        if self.site_combo.currentData() is None:
            raise ValidationError("data_center", "no data center yet: add one first (Edit > New data center)")

    def _check_model(self) -> None:
        if self.model_combo.currentData() is None:
            raise ValidationError("model", "pick a miner model (the catalog is empty: add one)")

    def _check_unit_price(self) -> None:
        if self.unit_price_edit.text().strip():
            parse_money_cents("unit_price", self.unit_price_edit.text())

    def _check_total(self) -> None:
        parse_money_cents("total_cost", self.total_cost_edit.text())

    def values(self) -> BatchValues:
        per_unit = self.per_unit_radio.isChecked()
        return BatchValues(
            data_center=self.site_combo.currentData(),
            model=self.model_combo.currentData(),
            units=self.units_edit.text(),
            ordered_on=self.ordered_edit.text(),
            expected_on=self.expected_edit.text(),
            unit_price_usd=(self.unit_price_edit.text() or "0") if per_unit else None,
            supplier=self.supplier_edit.text(),
            notes=self.notes_edit.toPlainText(),
            total_cost_usd=None if per_unit else self.total_cost_edit.text(),
            version=self.version,
        )

    def check_form(self) -> None:
        v = self.values()
        built = self.fleet.batch_from(
            v.parse(), batch_id=self.batch.id if self.batch else None, version=self.batch.version if self.batch else 1
        )
        if self.batch is not None and self.batch.id is not None:
            # Fewer units must still hold what the events already moved.
            check_units_change(built, self.fleet.events_for_batch(self.batch.id))

    def submit(self) -> None:
        self._on_submit(self.values())

    # -- live read-out -------------------------------------------------------------

    def update_readout(self) -> None:
        model = self._models.get(self.model_combo.currentData() or 0)
        try:
            units = parse_units("units", self.units_edit.text())
        except ValidationError:
            units = None
        try:
            if self.per_unit_radio.isChecked():
                price_cents = parse_money_cents("unit_price", self.unit_price_edit.text() or "0")
                total = lot_total_cents(units, price_cents) if units else None
                self.total_cost_edit.setText("" if total is None else _money_text(total))
            else:
                total = parse_money_cents("total_cost", self.total_cost_edit.text())
                self.unit_price_edit.setText(unit_price_text(total, units) if units else "")
        except ValidationError:
            total = None
        if model is None or units is None:
            for label in (self.planned_label, self.power_label, self.cost_per_th_label):
                label.setText("-")
            return
        planned = units * model.ths
        self.planned_label.setText(f"{format_hashrate(planned)}   ({units:,} × {model.ths:,g} TH/s)")
        self.power_label.setText(f"{units * model.watts / 1_000_000:,.2f} MW   ({units:,} × {model.watts:,g} W)")
        if total is None:
            self.cost_per_th_label.setText("-")
        else:
            per_th_cents = round(total / planned) if planned else 0
            self.cost_per_th_label.setText(f"{format_usd(per_th_cents)} / TH   (total {format_usd(total)})")
