"""The import dialog's column-mapping step: one combo box a column of the file (issue #14 item 10).

Only shows the mapping; the rules (suggestions, what is required, applying it) are in
desktop/services/import_mapping.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.import_mapping import FIELDS, IGNORE, field_label


class ColumnMappingPanel(QGroupBox):
    applied = Signal(list)  # the mapping: a field (or "") per column of the file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your columns", parent)
        self.header: list[str] = []
        self.combos: list[QComboBox] = []
        note = QLabel("This file's column names are not Hashplan's. Say which of your columns is which field:")
        note.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.apply_button = QPushButton("Check with These Columns")
        self.apply_button.setToolTip("Read the file again with your columns mapped as chosen")
        self.apply_button.clicked.connect(lambda: self.applied.emit(self.mapping()))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(scroll)
        layout.addLayout(buttons)

    def show_header(self, header: Sequence[str], mapping: Sequence[str]) -> None:
        """One row a column: its title, then the field it goes to (two columns of rows)."""
        for combo in self.combos:
            combo.deleteLater()
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.header, self.combos = [str(h) for h in header], []
        half = (len(self.header) + 1) // 2
        for index, (title, field) in enumerate(zip(self.header, mapping, strict=True)):
            combo = QComboBox()
            combo.setObjectName(f"mapping:{title}")
            # Shorter than its longest entry ("Data center capacity (MW) ..."): two columns fit.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            for choice in (IGNORE, *FIELDS):
                combo.addItem(field_label(choice), choice)
            combo.setCurrentIndex(max(0, combo.findData(field)))
            label = QLabel(f"{title or '(untitled)'} →")
            label.setBuddy(combo)
            row, column = (index, 0) if index < half else (index - half, 2)
            self.grid.addWidget(label, row, column)
            self.grid.addWidget(combo, row, column + 1)
            self.combos.append(combo)
        # Up to five rows without scrolling; a wider sheet scrolls inside the box.
        row_height = max(self.combos[0].sizeHint().height(), 24) + self.grid.verticalSpacing() if self.combos else 0
        self.scroll.setFixedHeight(min(half, 5) * row_height + 4)

    def mapping(self) -> list[str]:
        return [str(combo.currentData()) for combo in self.combos]

    def combo_for(self, title: str) -> QComboBox:
        return self.combos[self.header.index(title)]
