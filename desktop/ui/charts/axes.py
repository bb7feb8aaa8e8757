"""The chart's axes: pyqtgraph's, with grid lines and ticks drawn in opaque colours.

pyqtgraph draws the grid with the tick pen made translucent (alpha per tick level), and
Qt's raster engine draws a translucent 1-pixel line about 8x slower than an opaque one
(53 grid lines across a 1,200-pixel plot: 9 ms vs 1.1 ms, measured), which was a third
of every repaint. Each translucent pen here becomes the opaque colour it shows over the
plot's background; the axes sit behind the plot's contents, so the curves and the
translucent fill under the deployed curve are drawn over the grid, not under it.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPen

BEHIND_VIEW_Z = -200  # the ViewBox sits at z -100: grid lines go under the curves


def flatten(colour: QColor, background: QColor) -> QColor:
    """The opaque colour a translucent ``colour`` shows over an opaque ``background``."""
    alpha = colour.alphaF()
    mixed = (
        round(channel * alpha + under * (1 - alpha))
        for channel, under in zip(colour.getRgb()[:3], background.getRgb()[:3], strict=True)
    )
    return QColor(*mixed)


class _OpaqueTicks:
    """Mixed into an AxisItem: its tick and grid pens become opaque over ``background``."""

    background = QColor("white")

    def set_background(self, background: QColor) -> None:
        self.background = QColor(background)
        self.picture = None  # type: ignore[attr-defined]  # pyqtgraph's cached drawing
        self.update()  # type: ignore[attr-defined]

    def generateDrawSpecs(self, p: Any) -> Any:  # pyqtgraph names it
        specs = super().generateDrawSpecs(p)  # type: ignore[misc]
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        flat: dict[int, QPen] = {}
        opaque = []
        for pen, start, end in tick_specs:
            rgba = pen.color().rgba()
            if rgba not in flat:
                solid = QPen(pen)
                solid.setColor(flatten(pen.color(), self.background))
                flat[rgba] = solid
            opaque.append((flat[rgba], start, end))
        return axis_spec, opaque, text_specs


class ValueAxis(_OpaqueTicks, pg.AxisItem):
    """The hash-rate axis (left)."""


class DateAxis(_OpaqueTicks, pg.DateAxisItem):
    """The date axis (bottom), in UTC like the curves' x values."""
