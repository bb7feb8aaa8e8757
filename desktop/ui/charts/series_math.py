"""Pure numpy helpers for the chart: step curves, look-ups and stacking (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone

import numpy as np

from desktop.domain.hashrate import Step

DAY_S = 86_400.0


def to_seconds(day: date) -> float:
    """A calendar date as UTC epoch seconds (the DateAxisItem runs with utcOffset=0)."""
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def to_date(seconds: float) -> date:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).date()


def step_points(steps: Sequence[Step]) -> tuple[np.ndarray, np.ndarray]:
    """The curve's corners: x in epoch seconds, y in TH/s (cumulative after that day)."""
    x = np.fromiter((to_seconds(day) for day, _ in steps), dtype=float, count=len(steps))
    y = np.fromiter((value for _, value in steps), dtype=float, count=len(steps))
    return x, y


def step_lines(x: np.ndarray, y: np.ndarray, end_x: float) -> tuple[np.ndarray, np.ndarray]:
    """Arrays that draw a step line rising from 0 at the first date and held until ``end_x``."""
    if len(x) == 0:
        return np.array([], dtype=float), np.array([], dtype=float)
    xs = np.append(np.repeat(x, 2), max(end_x, float(x[-1])))
    ys = np.concatenate(([0.0], np.repeat(y, 2)[:-1], [y[-1]]))
    return xs, ys


def value_at(x: np.ndarray, y: np.ndarray, at_x: float) -> float:
    """The step curve's value at ``at_x`` (0 before the first step)."""
    i = int(np.searchsorted(x, at_x, side="right"))
    return float(y[i - 1]) if i > 0 else 0.0


def stack(layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Evaluates each step curve on the union of their dates and sums them bottom-up.

    Returns (x, [cumulative y of layer 0, of layers 0+1, ...]).
    """
    non_empty = [layer for layer in layers if len(layer[0])]
    if not non_empty:
        return np.array([], dtype=float), [np.array([], dtype=float) for _ in layers]
    x = np.unique(np.concatenate([layer[0] for layer in non_empty]))
    total = np.zeros_like(x)
    result = []
    for lx, ly in layers:
        if len(lx):
            i = np.searchsorted(lx, x, side="right")
            total = total + np.where(i > 0, ly[np.maximum(i - 1, 0)], 0.0)
        result.append(total.copy())
    return x, result


def fitted_range(
    series: Sequence[tuple[np.ndarray, np.ndarray]], marks: Sequence[tuple[float, float]], today: float
) -> tuple[tuple[float, float], float]:
    """The default view: ((left, right) in epoch seconds, top in TH/s) over every curve's
    corners, the (x, y) marks (targets) and today, with a little margin."""
    xs = [x for x, _ in series if len(x)] + [np.array([x for x, _ in marks] + [today])]
    corners = np.concatenate(xs)
    first, last = float(corners.min()), float(corners.max())
    first = min(first, last - 30 * DAY_S)
    margin = max((last - first) * 0.04, 3 * DAY_S)
    top = max([1.0, *(float(y.max()) for _, y in series if len(y)), *(y for _, y in marks)])
    return (first - margin, last + margin), top * 1.1


def top_layers(
    names: Sequence[str], layers: Sequence[tuple[np.ndarray, np.ndarray]], keep: int = 8
) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]]]:
    """More than ``keep`` layers: the ``keep`` largest (by their last value), then one "Other"
    layer summing the rest: 50 sites stack as 9 bands with 9 colours (issue #14 item 15)."""
    if len(layers) <= keep:
        return list(names), list(layers)
    order = sorted(range(len(layers)), key=lambda i: -(float(layers[i][1][-1]) if len(layers[i][0]) else 0.0))
    top, rest = order[:keep], order[keep:]
    x, cumulative = stack([layers[i] for i in rest])
    other = (x, cumulative[-1]) if len(x) else (np.array([], dtype=float), np.array([], dtype=float))
    label = f"Other ({len(rest)} site{'s' if len(rest) != 1 else ''})"
    return [names[i] for i in top] + [label], [layers[i] for i in top] + [other]
