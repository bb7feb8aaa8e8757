"""Small pieces the edit dialogs share: date and number inputs, colours, reason wording."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLineEdit

from desktop.domain.values import parse_date
from desktop.ui.widgets.date_field import DateField

ISO_DISPLAY = "yyyy-MM-dd"


def reason_text(message: str) -> str:
    """A service message ("is required", "must be more than 0 ...") as a sentence under a field."""
    text = message.strip()
    if text.startswith("is "):
        text = text[3:]
    return text[:1].upper() + text[1:] if text else text


def error_colour(palette: QPalette) -> QColor:
    """A muted red that reads on the light and the dark palette."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#b3261e")


def muted_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)


def date_edit(value: QDate | None = None) -> DateField:
    """A date typed as ISO 8601 (YYYY-MM-DD), with a calendar pop-up."""
    return DateField(value or QDate.currentDate())


def date_check(field: str, edit: DateField) -> Callable[[], object]:
    """The form validator of a date field: the service's own parsing, with its reasons."""
    return lambda: parse_date(field, edit.text())


def number_edit(placeholder: str = "") -> QLineEdit:
    """A free-text number field: text (not a spin box) so every typo gets a reason."""
    edit = QLineEdit()
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    edit.setPlaceholderText(placeholder)
    return edit
