"""A date typed as ISO 8601 text, with a calendar pop-up beside it.

QDateEdit's sections fight typing: tabbing in and typing ``2021-05-01`` gave 2021-12-05,
and select-all then a year was ignored (issue #14 item 2). A line edit takes the text as
typed; the form's validator gives the reason when it is not a date.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLineEdit, QStyle, QToolButton, QWidget

ISO = "yyyy-MM-dd"


class DateField(QWidget):
    dateChanged = Signal(QDate)  # a valid date was typed or picked
    textChanged = Signal(str)

    def __init__(self, value: QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("YYYY-MM-DD")
        self.line.setMaxLength(10)
        self.line.setAccessibleName("Date as YYYY-MM-DD")
        self.button = QToolButton(self)
        self.button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
        self.button.setText("Calendar")
        self.button.setToolTip("Pick the date on a calendar")
        self.button.setAccessibleName("Pick the date on a calendar")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field, not via the button
        self.calendar = QCalendarWidget(self)  # owned by the field, shown as a pop-up window
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)  # Enter on the focused day
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)  # Tab into the field selects its text, typing replaces it
        self.line.textChanged.connect(self._text_changed)
        self.button.clicked.connect(self.open_calendar)
        self.setDate(value or QDate.currentDate())

    # -- QDateEdit's API, as the dialogs use it ------------------------------------------

    def date(self) -> QDate:
        """The typed date, or an invalid QDate when the text is not YYYY-MM-DD."""
        text = self.line.text().strip()
        return QDate.fromString(text, ISO) if len(text) == 10 else QDate()

    def setDate(self, value: QDate | date) -> None:
        qdate = QDate(value.year, value.month, value.day) if isinstance(value, date) else value
        self.line.setText(qdate.toString(ISO))

    def text(self) -> str:
        return self.line.text().strip()

    def setText(self, text: str) -> None:
        self.line.setText(text)

    # -- the calendar --------------------------------------------------------------------

    def open_calendar(self) -> None:
        shown = self.date()
        self.calendar.setSelectedDate(shown if shown.isValid() else QDate.currentDate())
        self.calendar.adjustSize()
        self.calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, value: QDate) -> None:
        self.setDate(value)
        self.calendar.hide()
        self.line.setFocus(Qt.FocusReason.PopupFocusReason)

    def _text_changed(self, text: str) -> None:
        self.textChanged.emit(text)
        value = self.date()
        if value.isValid():
            self.dateChanged.emit(value)
