"""The chart's small helpers: the empty-site message, a legend that fits (issue #14 items 3
and 15), a curve's corners, a colour mix."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop.services.reports import CurveArrays


def empty_text(site: str | None) -> str:
    """What a chart with no batches says instead of an empty 0.1-1.0 TH/s axis."""
    where = f" at {site}" if site else ""
    return f"No batches yet{where}.\nNew Batch (Ctrl+N) logs a purchase of miners."


def fit_legend(legend: pg.LegendItem, room: float) -> None:
    """As many columns (4 at most) as fit ``room`` pixels: a stack of 9 sites takes more rows."""
    for columns in (4, 3, 2, 1):
        legend.setColumnCount(columns)
        legend.updateSize()
        if legend.sceneBoundingRect().width() <= room:
            break


def points(curve: CurveArrays) -> tuple[np.ndarray, np.ndarray]:
    """A curve's corners: x in UTC epoch seconds, y in TH/s."""
    return curve.epoch_seconds(), np.asarray(curve.ths, dtype=float)


def mix_colours(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(*(round(x + (y - x) * t) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)))
