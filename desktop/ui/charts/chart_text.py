"""The chart's words: the empty-site message and a legend that fits (issue #14 items 3 and 15)."""

from __future__ import annotations

import pyqtgraph as pg


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
