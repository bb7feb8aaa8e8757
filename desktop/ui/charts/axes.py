"""The chart's axes: pyqtgraph's, with grid lines and ticks drawn in opaque colours.

pyqtgraph draws the grid with the tick pen made translucent (alpha per tick level), and
Qt's raster engine draws a translucent 1-pixel line about 8x slower than an opaque one
(53 grid lines across a 1,200-pixel plot: 9 ms vs 1.1 ms, measured), which was a third
of every repaint. Each translucent pen here becomes the opaque colour it shows over the
plot's background; the axes sit behind the plot's contents, so the curves and the
(opaque) area under the deployed curve are drawn over the grid, not under it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPen

from desktop.ui.charts.date_ticks import Step, choose_steps

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
    """The hash-rate axis (left): major and minor grid lines, not pyqtgraph's third level
    (55 lines instead of 11 on a typical chart, ~1 ms of every repaint for faint lines)."""

    def __init__(self, orientation: str = "left", **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.setStyle(maxTickLevel=1)


class DateAxis(_OpaqueTicks, pg.AxisItem):
    """The date axis (bottom): calendar ticks for x values in UTC epoch seconds.

    Labelled ticks at least LABEL_PX apart (years, quarters, months, weeks or days) and
    unlabelled ones between them, computed with numpy (date_ticks.py).
    """

    LABEL_PX = 70  # room for "2021", "Sep" or "Sep 30"
    TICK_PX = 16  # unlabelled ticks: at 8 px a ten-year view drew 120 (~0.5 ms a repaint)

    def __init__(self, orientation: str = "bottom", **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.setStyle(maxTextLevel=0)  # only the chosen step is labelled
        self.enableAutoSIPrefix(False)  # seconds since 1970 are not "x1e+09"
        self._by_spacing: dict[float, Step] = {}

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        if size <= 0 or not maxVal > minVal:
            return []
        major, minor = choose_steps((maxVal - minVal) / size, self.LABEL_PX, self.TICK_PX)
        self._by_spacing = {major.seconds: major}
        labelled = major.ticks(minVal, maxVal)
        levels = [(major.seconds, labelled.tolist())]
        if minor is not None:
            levels.append((minor.seconds, np.setdiff1d(minor.ticks(minVal, maxVal), labelled).tolist()))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        step = self._by_spacing.get(spacing)
        return step.labels(values) if step is not None else ["" for _ in values]
