"""``hashplan --self-test``: proves an installation works end to end, offscreen, in a temp folder.

Each step checks one thing a user relies on (resources found, database, demo figures,
main window, chart, exports read back). A failed step prints one line naming it on
stderr; steps that need it are not run. Success prints exactly ``self-test ok`` on
stdout. Everything lives in a temporary folder that is removed before returning, and
the user's settings, data and database are never opened.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)

# The worked example (DOMAIN.md): what the demo must add up to.
DEMO_DEPLOYED_UNITS = 3_819
DEMO_IN_TRANSIT_UNITS = 4_033
DEMO_ORDERED_UNITS = 2_500
DEMO_PLANNED_THS = 458_000.0
PLANNED_TOLERANCE = 0.01
WAIT_MS = 30_000  # the window's first read runs on a worker thread


class StepFailed(Exception):
    """A check did not hold; the message says what was expected and what was found."""


@dataclass
class Context:
    """What the steps hand to each other."""

    folder: Path
    session: Any = None
    app: Any = None
    window: Any = None
    files: dict[str, Path] = field(default_factory=dict)
    cleanups: list[Callable[[], None]] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], None]
    needs: tuple[str, ...] = ()


def _missing_module(error: ModuleNotFoundError) -> StepFailed:
    return StepFailed(f"{error.name} is not available in this build")


def check_resources(ctx: Context) -> None:
    import json

    from desktop.resources import resource_path

    for name in ("catalog.json", "demo.json", "icons/hashplan.svg"):
        path = resource_path(*name.split("/"))
        if not path.is_file():
            raise StepFailed(f"{name} not found at {path}")
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def open_database(ctx: Context) -> None:
    from desktop.services.session import open_session

    ctx.session = open_session(ctx.folder / "selftest.db")
    ctx.cleanups.append(ctx.session.close)


def load_demo_data(ctx: Context) -> None:
    from desktop.services.demo import load_demo

    load_demo(ctx.session)


def check_summary(ctx: Context) -> None:
    check_demo_figures(ctx.session.queries.summary())


def check_demo_figures(summary: Any) -> None:
    """The demo's totals as the worked example states them."""
    units = summary.total.units
    wrong = [
        f"{label} {found:,} (expected {expected:,})"
        for label, found, expected in (
            ("deployed", units.deployed, DEMO_DEPLOYED_UNITS),
            ("in transit", units.in_transit, DEMO_IN_TRANSIT_UNITS),
            ("ordered", units.ordered, DEMO_ORDERED_UNITS),
        )
        if found != expected
    ]
    planned = summary.total.planned_ths
    if abs(planned - DEMO_PLANNED_THS) > PLANNED_TOLERANCE * DEMO_PLANNED_THS:
        wrong.append(f"planned {planned / 1000:,.1f} PH/s (expected 458 PH/s within 1%)")
    if wrong:
        raise StepFailed("demo figures are off: " + ", ".join(wrong))


def start_qt(ctx: Context) -> None:
    from PySide6.QtWidgets import QApplication

    ctx.app = QApplication.instance() or QApplication(["hashplan-self-test"])


def _wait_for(signal: Any, done: Callable[[], bool], timeout_ms: int = WAIT_MS) -> bool:
    """Runs the event loop until ``done()`` or ``timeout_ms`` (worker results arrive as queued signals)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    signal.connect(loop.quit)
    timer.start(timeout_ms)
    try:
        while not done() and timer.isActive():
            loop.exec()
    finally:
        signal.disconnect(loop.quit)
        timer.stop()
    return done()


def build_main_window(ctx: Context) -> None:
    from PySide6.QtCore import QSettings

    try:
        main_window = importlib.import_module("desktop.ui.main_window")
        settings_module = importlib.import_module("desktop.ui.settings")
    except ModuleNotFoundError as error:
        raise _missing_module(error) from error
    # Settings go to a file in the temp folder: the user's window layout stays untouched.
    qsettings = QSettings(str(ctx.folder / "settings.ini"), QSettings.Format.IniFormat)
    window = main_window.MainWindow(ctx.session, settings_module.WindowSettings(qsettings), poll_ms=60_000)
    ctx.window = window
    ctx.cleanups.append(lambda: _close_window(window))
    window.resize(1280, 800)
    refresher = window.refresher
    if not _wait_for(refresher.changed, lambda: not refresher.is_busy() and bool(refresher.snapshot.sites)):
        raise StepFailed(f"the window did not show the demo within {WAIT_MS // 1000} s")
    tiles = window.kpi_tiles.texts()
    if tiles.get("in_transit") != f"{DEMO_IN_TRANSIT_UNITS:,}":
        raise StepFailed(f"the 'Units in transit' tile shows {tiles.get('in_transit')!r}, expected 4,033")
    image = window.grab().toImage()
    if image.isNull() or image.width() < 400:
        raise StepFailed("the window could not be drawn")


def _close_window(window: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()  # stops the refresher and closes its read connection
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def render_chart(ctx: Context) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    chart = ctx.window.chart
    summary = ctx.session.queries.summary()
    series = chart.series_values()
    for name, expected in (("deployed", summary.total.deployed_ths), ("planned", summary.total.planned_ths)):
        _x, y = series.get(name, ((), ()))
        if len(y) == 0 or abs(float(y[-1]) - expected) > 1e-6 * max(1.0, expected):
            found = float(y[-1]) if len(y) else 0.0
            raise StepFailed(f"the {name} curve ends at {found:,.1f} TH/s, expected {expected:,.1f}")
    try:
        chart_export = importlib.import_module("desktop.ui.charts.chart_export")
    except ModuleNotFoundError as error:
        raise _missing_module(error) from error
    # The File > Export Chart code path: pyqtgraph's exporters, then Qt's image and SVG readers.
    png = chart_export.export_chart(chart, ctx.folder / "chart.png")
    image = QImage(str(png))
    if image.isNull() or image.width() < 200 or image.height() < 100:
        raise StepFailed(f"{png.name} does not read back as an image")
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    if len(colours) < 4:
        raise StepFailed(f"{png.name} is blank ({len(colours)} colours)")
    svg = chart_export.export_chart(chart, ctx.folder / "chart.svg")
    if not QSvgRenderer(str(svg)).isValid():
        raise StepFailed(f"{svg.name} does not read back as an SVG image")
    ctx.files["png"], ctx.files["svg"] = png, svg


def export_files(ctx: Context) -> None:
    try:
        exporting = importlib.import_module("desktop.services.exporting")
    except ModuleNotFoundError as error:
        raise _missing_module(error) from error
    for fmt in ("csv", "xlsx", "json"):
        result = exporting.export(ctx.session, "batches", fmt, ctx.folder / f"batches.{fmt}")
        if not Path(result.path).is_file() or Path(result.path).stat().st_size == 0:
            raise StepFailed(f"the {fmt.upper()} export wrote no file")
        ctx.files[fmt] = Path(result.path)


def read_back(ctx: Context) -> None:
    """Each export, imported into a fresh database, gives the demo's summary again."""
    try:
        importing = importlib.import_module("desktop.services.importing")
    except ModuleNotFoundError as error:
        raise _missing_module(error) from error
    from desktop.services.session import open_session

    expected = _figures(ctx.session.queries.summary())
    wrong = []
    for fmt in ("csv", "xlsx", "json"):
        with open_session(ctx.folder / f"reimport-{fmt}.db") as fresh:
            importing.import_file(fresh, ctx.files[fmt])
            found = _figures(fresh.queries.summary())
        if found != expected:
            wrong.append(f"{fmt.upper()} gives {found} instead of {expected}")
    if wrong:
        raise StepFailed("; ".join(wrong))


def _figures(summary: Any) -> dict[str, Any]:
    """What must survive a round trip: units per stage and hash rate, per site and in total."""
    return {
        figures.name: (figures.units.as_dict(), round(figures.deployed_ths, 3), round(figures.planned_ths, 3))
        for figures in (*summary.sites, summary.total)
    }


STEPS: tuple[Step, ...] = (
    Step("resources", check_resources),
    Step("database", open_database),
    Step("demo data", load_demo_data, ("database",)),
    Step("summary", check_summary, ("demo data",)),
    Step("Qt", start_qt),
    Step("main window", build_main_window, ("demo data", "Qt")),
    Step("chart", render_chart, ("main window",)),
    Step("exports", export_files, ("demo data",)),
    Step("read back", read_back, ("exports",)),
)


@contextmanager
def _isolated_environment(folder: Path) -> Iterator[None]:
    """Point the database and the per-user folders at ``folder`` while the test runs.

    A display-less machine gets Qt's offscreen platform, so the check runs over SSH
    and in CI as well as on a desktop (where nothing is shown either).
    """
    overrides = {
        "HASHPLAN_DB": str(folder / "selftest.db"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_DATA_HOME": str(folder / "data"),
    }
    if not any(os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")) and (
        sys.platform.startswith("linux")
    ):
        overrides["QT_QPA_PLATFORM"] = "offscreen"
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_steps(ctx: Context, steps: tuple[Step, ...], err: TextIO) -> tuple[list[str], list[str]]:
    failed: list[str] = []
    skipped: list[str] = []
    for step in steps:
        if any(need in failed or need in skipped for need in step.needs):
            skipped.append(step.name)
            continue
        try:
            step.run(ctx)
        except StepFailed as error:
            failed.append(step.name)
            print(f"self-test: {step.name} failed: {error}", file=err)
        except Exception as error:  # a self-test reports every fault as a line, never a traceback
            log.exception("self-test step %s", step.name)
            failed.append(step.name)
            print(f"self-test: {step.name} failed: {type(error).__name__}: {error}", file=err)
    return failed, skipped


def _clean_up(ctx: Context) -> str | None:
    problems = []
    for cleanup in reversed(ctx.cleanups):
        try:
            cleanup()
        except Exception as error:
            log.exception("self-test cleanup")
            problems.append(f"{type(error).__name__}: {error}")
    shutil.rmtree(ctx.folder, ignore_errors=True)
    if ctx.folder.exists():
        problems.append(f"could not remove {ctx.folder}")
    return "; ".join(problems) or None


def _attach_windows_console() -> None:
    """A windowed Windows build starts without stdout: write to the console that launched it."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    import ctypes

    if ctypes.windll.kernel32.AttachConsole(-1):  # type: ignore[attr-defined]  # ATTACH_PARENT_PROCESS
        sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
        sys.stderr = sys.stdout


def run_self_test(out: TextIO | None = None, err: TextIO | None = None, steps: tuple[Step, ...] = STEPS) -> int:
    """0 and ``self-test ok`` when every step passes, else 1 and one line per failed step."""
    _attach_windows_console()
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    ctx = Context(Path(tempfile.mkdtemp(prefix="hashplan-self-test-")))
    with _isolated_environment(ctx.folder):
        try:
            failed, skipped = _run_steps(ctx, steps, err)
        finally:
            problem = _clean_up(ctx)
    if problem:
        failed.append("cleanup")
        print(f"self-test: cleanup failed: {problem}", file=err)
    if failed:
        not_run = f"; not run: {', '.join(skipped)}" if skipped else ""
        print(f"self-test FAILED ({len(failed)} of {len(steps)} steps{not_run})", file=err)
        log.error("self-test failed: %s", ", ".join(failed))
        return 1
    print("self-test ok", file=out)
    log.info("self-test passed")
    return 0
