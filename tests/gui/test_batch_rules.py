"""One table of price-split and unit-change cases, run against the service, the batch dialog's
live read-out and the import: all three agree to the cent (domain/batch_rules.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.domain.stages import EventKind
from desktop.errors import ValidationError
from desktop.services.importing import plan_import
from desktop.services.session import Session
from tests.gui.edit_harness import fill_batch, shown_reason, type_into

# (units, the lot's total as typed, the unit price in cents, or None: refused as not splitting)
PRICE_SPLITS = [
    (2_500, "6,600,000", 264_000),  # the worked example: USD 2,640 a unit
    (3, "100", None),  # 33.3333... a unit
    (3, "100.02", 3_334),
    (7, "0.07", 1),
    (7, "0.06", None),
    (1, "0.01", 1),
    (4, "0", 0),
    (9_999, "99,990,000,000", 1_000_000_000),  # USD 10 M a unit: exact in integers
    (3, "10,000,000,000.01", None),
    (3, "9,999,999,999.99", 333_333_333_333),
]
IDS = [f"{units}-units-{total}" for units, total, _ in PRICE_SPLITS]


def _service(session: Session, units: int, total: str) -> int | None:
    try:
        batch = session.fleet.build_batch("Texas", "Antminer S19 XP", units, "2026-03-02", "", total_cost_usd=total)
    except ValidationError as error:
        assert error.field == "total_cost" and "does not split into whole cents" in error.message
        return None
    return batch.unit_price_cents


def _dialog(qtbot, actions, session: Session, units: int, total: str) -> int | None:
    dialog = actions.open_new_batch()
    fill_batch(qtbot, dialog, session, units=f"{units:,}")
    qtbot.mouseClick(dialog.total_radio, Qt.MouseButton.LeftButton)
    type_into(qtbot, dialog.total_cost_edit, total)
    shown = Decimal(dialog.unit_price_edit.text().replace(",", "")) * 100  # the read-out, in cents
    reason = shown_reason(dialog, "total_cost")
    dialog.reject()
    if not dialog.ok_button.isEnabled():
        assert "does not split into whole cents" in reason and shown != shown.to_integral_value()
        return None
    assert reason == "" and shown == shown.to_integral_value()
    return int(shown)


def _import(session: Session, tmp_path: Path, units: int, total: str) -> int | None:
    path = tmp_path / f"lot-{units}.csv"
    path.write_text(
        "data_center,miner_model,units,ordered_on,expected_on,total_cost_usd,status\n"
        f'Texas,Antminer S19 XP,{units},2026-03-02,2026-05-15,"{total}",ordered\n',
        encoding="utf-8",
    )
    plan = plan_import(session.store, path)
    if plan.problems:
        [problem] = plan.problems
        assert problem.startswith("row 2, column total_cost_usd: USD ") and "does not split into whole cents" in problem
        return None
    return plan.groups[0][0].unit_price_cents


@pytest.mark.parametrize(("units", "total", "expected"), PRICE_SPLITS, ids=IDS)
def test_a_lot_total_splits_the_same_in_the_service_the_form_and_the_import(
    qtbot, actions, demo_session: Session, tmp_path: Path, units: int, total: str, expected: int | None
) -> None:
    found = {
        "service": _service(demo_session, units, total),
        "dialog": _dialog(qtbot, actions, demo_session, units, total),
        "import": _import(demo_session, tmp_path, units, total),
    }

    assert found == {"service": expected, "dialog": expected, "import": expected}


def test_an_import_row_with_both_prices_must_agree(demo_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    path.write_text(
        "data_center,miner_model,units,ordered_on,expected_on,unit_price_usd,total_cost_usd,status\n"
        "Texas,Antminer S19 XP,10,2026-03-02,2026-05-15,100,1000,ordered\n"
        "Texas,Antminer S19 XP,10,2026-03-02,2026-05-15,100,1001,ordered\n",
        encoding="utf-8",
    )
    plan = plan_import(demo_session.store, path)

    assert plan.problems == [
        "row 3, column unit_price_usd: USD 100.00 a unit does not match the total USD 1,001.00 over 10 units"
    ]


# (units the batch had, units it is edited to, deployed already, refused)
UNIT_CHANGES = [(100, 60, 60, False), (100, 59, 60, True), (100, 200, 60, False), (100, 1, 0, False)]


@pytest.mark.parametrize(("units", "new_units", "deployed", "refused"), UNIT_CHANGES)
def test_a_unit_change_is_judged_the_same_by_the_service_and_the_form(
    qtbot, actions, harness, demo_session: Session, units: int, new_units: int, deployed: int, refused: bool
) -> None:
    fleet = demo_session.fleet
    batch = fleet.add_batch("Texas", "Antminer S19 XP", units, "2026-01-05")
    for kind in (EventKind.SHIPPED, EventKind.DELIVERED, EventKind.DEPLOYED):
        if deployed:
            fleet.record_event(batch.id or 0, kind, deployed, "2026-02-01")
    batch = fleet.get_batch(batch.id or 0)
    try:
        fleet.edit_batch(batch.id or 0, "Texas", "Antminer S19 XP", new_units, "2026-01-05", version=batch.version)
        service_refused = False
    except ValidationError as error:
        assert "no longer fit" in error.message
        service_refused = True
    harness.batch_id = batch.id
    dialog = actions.open_edit_batch()
    type_into(qtbot, dialog.units_edit, str(new_units))
    dialog_refused = not dialog.ok_button.isEnabled()
    dialog.reject()

    assert (service_refused, dialog_refused) == (refused, refused)
