"""A dialog whose fields are checked as the user types, with the reason under each field.

Each field has a validator (a callable that raises ValidationError, built on the same
parsers the service uses); then the whole form is checked by the service's ``build_*``
method, which raises ValidationError(field, message) without writing. OK is enabled
only while every check passes. On OK the subclass's ``submit()`` runs the change; any
HashplanError it raises is shown in the dialog, which stays open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ConflictError, HashplanError, ValidationError
from desktop.ui.dialogs.widgets import error_colour, muted_colour, reason_text
from desktop.ui.widgets.date_field import DateField

log = logging.getLogger(__name__)
Validator = Callable[[], object]
UNEXPECTED = "Something unexpected went wrong ({error}); nothing was saved. The log file has the details."


@dataclass
class FormField:
    name: str
    label: str
    widget: QWidget
    reason: QLabel
    validator: Validator | None = None
    aliases: tuple[str, ...] = ()
    touched: bool = False
    error: str | None = None
    extra: list[QWidget] = field(default_factory=list)


class ValidatedDialog(QDialog):
    """Base of Hashplan's edit dialogs. Subclasses add fields, then implement
    ``check_form`` (service ``build_*``) and ``submit`` (the change itself)."""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str = "Save") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.fields: dict[str, FormField] = {}
        self._checking = False
        self._tab_chain: list[QWidget] = []  # focus order = the order rows were added
        self._painted: list[tuple[QLabel, Callable[[QPalette], QColor]]] = []

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setVisible(False)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFormAlignment(Qt.AlignmentFlag.AlignTop)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(4)
        self.general_error = self._reason_label()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.paint(self.status, muted_colour)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    # -- building the form ---------------------------------------------------------

    def _reason_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setVisible(False)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = label.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        label.setFont(font)
        self.paint(label, error_colour)
        return label

    def paint(self, label: QLabel, colour: Callable[[QPalette], QColor]) -> None:
        """Colours a label from the dialog's palette, again whenever the palette changes."""
        self._painted.append((label, colour))
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour(self.palette()))
        label.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the system switched light/dark
            for label, colour in self._painted:
                palette = label.palette()
                palette.setColor(QPalette.ColorRole.WindowText, colour(self.palette()))
                label.setPalette(palette)
        super().changeEvent(event)

    def add_field(
        self,
        name: str,
        label: str,
        widget: QWidget,
        validator: Validator | None = None,
        *,
        suffix: str = "",
        aliases: tuple[str, ...] = (),
        trailing: QWidget | None = None,
    ) -> FormField:
        """Adds a labelled row: the widget (with its unit as a suffix) and a reason below."""
        reason = self._reason_label()
        row = QWidget()
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        line.addWidget(widget, 1)
        extra: list[QWidget] = []
        if suffix:
            unit = QLabel(suffix)
            unit.setMinimumWidth(36)
            self.paint(unit, muted_colour)
            line.addWidget(unit)
            extra.append(unit)
        if trailing is not None:
            line.addWidget(trailing)
            extra.append(trailing)
        column.addLayout(line)
        column.addWidget(reason)
        self._tab_chain += [widget, *(w for w in extra if w.focusPolicy() != Qt.FocusPolicy.NoFocus)]
        caption = QLabel(f"{label}:")
        caption.setBuddy(widget)
        if isinstance(widget, QPlainTextEdit):  # multi-line: caption on the first line
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            caption.setContentsMargins(0, 4, 0, 0)
        else:  # centred on the input, not on input + reason
            caption.setFixedHeight(max(widget.sizeHint().height(), caption.sizeHint().height()))
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow(caption, row)
        form_field = FormField(name, label.replace("&", ""), widget, reason, validator, aliases, extra=extra)
        self.fields[name] = form_field
        self._watch(form_field)
        return form_field

    def _watch(self, form_field: FormField) -> None:
        widget = form_field.widget

        def changed(*_: object) -> None:
            form_field.touched = True
            self.revalidate()

        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(changed)
            widget.editTextChanged.connect(changed)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(changed)
        elif isinstance(widget, DateField):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(changed)

    def add_row(self, label: str, widget: QWidget) -> None:
        """A read-only row (a computed figure), aligned with the fields."""
        caption = QLabel(f"{label}:" if label else "")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow(caption, widget)
        focusable = (widget, *widget.findChildren(QAbstractButton))
        self._tab_chain += [w for w in focusable if w.focusPolicy() != Qt.FocusPolicy.NoFocus]

    def add_separator(self, title: str = "") -> None:
        """A thin line (with an optional caption) between the inputs and the read-out."""
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.form.addRow(line)
        if title:
            caption = QLabel(title)
            font = caption.font()
            font.setBold(True)
            caption.setFont(font)
            self.form.addRow(caption)

    def showEvent(self, event: QShowEvent) -> None:
        chain = [*self._tab_chain, *self.buttons.buttons()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        super().showEvent(event)
        # setMinimumWidth() above overrides the layout's minimum: never show a row clipped.
        if self.width() < self.minimumSizeHint().width():
            self.resize(self.minimumSizeHint().width(), self.height())

    def set_header(self, html: str) -> None:
        self.header.setText(html)
        self.header.setVisible(bool(html))

    def mark_all_touched(self) -> None:
        for form_field in self.fields.values():
            form_field.touched = True

    # -- checking ------------------------------------------------------------------

    def check_form(self) -> None:
        """Cross-field check through the service (``build_*``): raise ValidationError."""

    def submit(self) -> None:
        """Performs the change; raise HashplanError to keep the dialog open."""

    def update_readout(self) -> None:
        """Refresh computed figures (J/TH, planned TH/s ...); called after every change."""

    def field_for(self, service_field: str) -> FormField | None:
        for form_field in self.fields.values():
            if form_field.name == service_field or service_field in form_field.aliases:
                return form_field
        return None

    def revalidate(self) -> bool:
        """Runs every check, shows the reasons, and enables OK only when all pass."""
        if self._checking:
            return self.ok_button.isEnabled()
        self._checking = True
        try:
            errors: dict[str, str] = {}
            general = ""
            for form_field in self.fields.values():
                if form_field.validator is None or not form_field.widget.isEnabled():
                    continue
                try:
                    form_field.validator()
                except ValidationError as error:
                    errors[form_field.name] = reason_text(error.message)
                except HashplanError as error:
                    errors[form_field.name] = reason_text(str(error))
            if not errors:
                try:
                    self.check_form()
                except ValidationError as error:
                    target = self.field_for(error.field)
                    if target is None:
                        general = str(error)
                    else:
                        errors[target.name] = reason_text(error.message)
                        target.touched = True  # a cross-field problem is always shown
                except HashplanError as error:
                    general = str(error)
                except Exception as error:  # a bug must not reach the user as a traceback
                    log.exception("checking %s", self.windowTitle())
                    general = UNEXPECTED.format(error=type(error).__name__)
            self._show(errors, general)
            self.update_readout()
            valid = not errors and not general
            self.ok_button.setEnabled(valid)
            return valid
        finally:
            self._checking = False

    def _show(self, errors: dict[str, str], general: str) -> None:
        hidden = 0
        for form_field in self.fields.values():
            form_field.error = errors.get(form_field.name)
            visible = form_field.error is not None and form_field.touched
            hidden += form_field.error is not None and not form_field.touched
            form_field.reason.setText(form_field.error or "")
            form_field.reason.setVisible(visible)
            form_field.widget.setToolTip(form_field.error if visible else "")
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))
        self.status.setText("Fill in the required fields." if hidden and not general else "")
        self.status.setVisible(bool(hidden and not general))

    def show_error(self, error: HashplanError) -> None:
        """Shows a refusal from the service: under its field when the field is known."""
        target = self.field_for(error.field) if isinstance(error, ValidationError) else None
        if target is not None and isinstance(error, ValidationError):
            target.touched = True
            target.error = reason_text(error.message)
            target.reason.setText(target.error)
            target.reason.setVisible(True)
            target.widget.setFocus()
        else:
            self.general_error.setText(str(error))
            self.general_error.setVisible(True)

    def on_conflict(self, error: ConflictError) -> None:
        """A save met a record changed elsewhere; edit dialogs ask (see stale_edit.py)."""
        self.show_error(error)

    def accept(self) -> None:
        self.mark_all_touched()
        if not self.revalidate():
            return
        try:
            self.submit()
        except ConflictError as error:  # changed elsewhere since the form was filled: ask
            self.on_conflict(error)
            return
        except HashplanError as error:
            self.show_error(error)
            return
        except Exception as error:
            log.exception("saving %s", self.windowTitle())
            self.show_error(HashplanError(UNEXPECTED.format(error=type(error).__name__)))
            return
        super().accept()
