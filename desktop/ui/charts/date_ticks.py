"""Calendar ticks for a UTC date axis, in numpy (no Qt): days, weeks, months, quarters, years.

pyqtgraph's DateAxisItem converts every candidate tick through QDateTime to honour a local
time zone (about 6 ms of each repaint over a ten-year range). The chart's x values are UTC
midnights, so the ticks are plain calendar arithmetic on datetime64 arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAY_S = 86_400
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONDAY = 4  # 1970-01-01 was a Thursday: day 4 since the epoch is the first Monday


@dataclass(frozen=True)
class Step:
    unit: str  # "D" (days), "M" (months) or "Y" (years)
    count: int

    @property
    def seconds(self) -> float:
        """The step's typical length: what decides whether its labels fit."""
        return self.count * {"D": DAY_S, "M": 30.44 * DAY_S, "Y": 365.25 * DAY_S}[self.unit]

    def ticks(self, first: float, last: float) -> np.ndarray:
        """Every tick in [first, last] (epoch seconds), on calendar boundaries."""
        start = np.datetime64(int(np.floor(first)), "s").astype(f"datetime64[{self.unit}]")
        end = np.datetime64(int(np.ceil(last)), "s").astype(f"datetime64[{self.unit}]")
        units = np.arange(start, end + 1)
        numbers = units.astype(np.int64)  # days / months / years since 1970
        if self.unit == "D" and self.count == 7:
            keep = (numbers - _MONDAY) % 7 == 0  # weeks start on Monday
        elif self.unit == "D":
            keep = (units - units.astype("datetime64[M]")).astype(np.int64) % self.count == 0  # 1st, 3rd...
        elif self.unit == "M":
            keep = numbers % 12 % self.count == 0  # Jan, Apr, Jul, Oct for quarters
        else:
            keep = (numbers + 1970) % self.count == 0
        seconds = units[keep].astype("datetime64[s]").astype(np.int64).astype(float)
        return seconds[(seconds >= first) & (seconds <= last)]

    def labels(self, seconds: list[float]) -> list[str]:
        days = np.array(seconds, dtype=np.int64) // DAY_S
        dates = days.astype("datetime64[D]")
        years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
        months = dates.astype("datetime64[M]").astype(np.int64) % 12
        day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
        if self.unit == "Y":
            return [str(y) for y in years]
        if self.unit == "M":  # January carries its year: the months after it are that year's
            return [str(y) if m == 0 else MONTHS[m] for y, m in zip(years, months, strict=True)]
        return [f"{MONTHS[m]} {d}" for m, d in zip(months, day_of_month, strict=True)]


STEPS = (
    Step("D", 1),
    Step("D", 2),
    Step("D", 7),
    Step("M", 1),
    Step("M", 3),
    Step("M", 6),
    Step("Y", 1),
    Step("Y", 2),
    Step("Y", 5),
    Step("Y", 10),
    Step("Y", 20),
    Step("Y", 50),
    Step("Y", 100),
)


def choose_steps(seconds_per_pixel: float, label_px: float, tick_px: float) -> tuple[Step, Step | None]:
    """The finest step whose labels are ``label_px`` apart, and a finer one for unlabelled ticks."""
    index = next((i for i, step in enumerate(STEPS) if step.seconds / seconds_per_pixel >= label_px), len(STEPS) - 1)
    major = STEPS[index]
    fine = (step for step in STEPS[:index] if step.seconds / seconds_per_pixel >= tick_px and _nests(step, major))
    return major, next(fine, None)


def _nests(minor: Step, major: Step) -> bool:
    """Whether every major tick is also on the minor grid (weeks do not nest in months)."""
    if minor.unit == "D" and minor.count == 7:
        return major.unit == "D" and major.count % 7 == 0
    if minor.unit == major.unit:
        return major.count % minor.count == 0
    return minor.unit == "M" or (minor.unit == "D" and minor.count == 1)
