"""Add or edit a data center: name, country, power capacity (MW), notes and the network
ranges its miners are on (one CIDR block or first-last range a line)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from desktop.domain.entities import DataCenter
from desktop.domain.networks import parse_networks
from desktop.domain.values import clean_name, parse_non_negative
from desktop.services.fleet import FleetService
from desktop.ui.dialogs.stale_edit import VersionedEditDialog
from desktop.ui.dialogs.widgets import number_edit


class SiteValues:
    """What the form holds, as text the service parses (the same path as the CLI)."""

    def __init__(
        self,
        name: str,
        country: str,
        capacity_mw: str,
        notes: str,
        version: int | None = None,
        networks: list[str] | None = None,
    ) -> None:
        self.name, self.country, self.capacity_mw, self.notes = name, country, capacity_mw, notes
        self.version = version  # the row version the form was read at (None: a new data center)
        self.networks = networks  # None: the form has no networks field


def _capacity_text(site: DataCenter | None) -> str:
    if site is None or site.capacity_mw is None:
        return ""
    return f"{site.capacity_mw:g}"


class SiteDialog(VersionedEditDialog):
    def __init__(
        self,
        parent: QWidget | None,
        fleet: FleetService,
        on_submit: Callable[[SiteValues], None],
        site: DataCenter | None = None,
        networks: list[str] | None = None,
    ) -> None:
        super().__init__(parent, "Edit data center" if site else "New data center", "Save" if site else "Add")
        self.fleet = fleet
        self.site = site
        self.version = site.version if site else None
        self._on_submit = on_submit

        self.name_edit = QLineEdit(site.name if site else "")
        self.name_edit.setPlaceholderText("Required, e.g. Ekibastuz 2")
        self.country_edit = QLineEdit(site.country if site else "")
        self.country_edit.setPlaceholderText("e.g. Kazakhstan")
        self.capacity_edit = number_edit("optional")
        self.capacity_edit.setText(_capacity_text(site))
        self.notes_edit = QPlainTextEdit(site.notes if site else "")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(72)

        self.add_field("name", "&Name", self.name_edit, lambda: clean_name("name", self.name_edit.text()))
        self.add_field("country", "&Country", self.country_edit)
        self.add_field("capacity_mw", "&Power capacity", self.capacity_edit, self._check_capacity, suffix="MW")
        self.add_field("notes", "N&otes", self.notes_edit)
        self.networks_edit: QPlainTextEdit | None = None
        if networks is not None:
            self.networks_edit = QPlainTextEdit("\n".join(networks))
            self.networks_edit.setPlaceholderText("One a line: 10.0.0.0/22 or 10.0.4.10-10.0.4.60")
            self.networks_edit.setTabChangesFocus(True)
            self.networks_edit.setFixedHeight(60)
            self.add_field("network", "Net&works", self.networks_edit, lambda: parse_networks(self._network_lines()))
        self.name_edit.setFocus()
        self.revalidate()

    def saved_version(self) -> int:
        assert self.site is not None and self.site.id is not None
        return self.fleet.get_site(self.site.id).version

    def reload_saved(self) -> None:
        assert self.site is not None and self.site.id is not None
        self.site = saved = self.fleet.get_site(self.site.id)
        self.version = saved.version
        self.name_edit.setText(saved.name)
        self.country_edit.setText(saved.country)
        self.capacity_edit.setText(_capacity_text(saved))
        self.notes_edit.setPlainText(saved.notes)

    def _check_capacity(self) -> None:
        text = self.capacity_edit.text()
        if text.strip():
            parse_non_negative("capacity_mw", text, "MW")

    def _network_lines(self) -> list[str]:
        text = self.networks_edit.toPlainText() if self.networks_edit is not None else ""
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]

    def values(self) -> SiteValues:
        return SiteValues(
            self.name_edit.text(),
            self.country_edit.text(),
            self.capacity_edit.text(),
            self.notes_edit.toPlainText(),
            self.version,
            self._network_lines() if self.networks_edit is not None else None,
        )

    def check_form(self) -> None:
        v = self.values()
        self.fleet.build_site(v.name, v.country, v.capacity_mw, v.notes, site_id=self.site.id if self.site else None)

    def submit(self) -> None:
        self._on_submit(self.values())
