"""`hashplan report` (issue #18): the small fleet's hand-worked figures read back from the XLSX
and from the PDF's text layer, the pages render, other scripts show, the demo's first page."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from desktop.services.session import open_session
from tests.integration.cli_runner import run_cli
from tests.integration.report_fleet import CHINESE_SUPPLIER, CYRILLIC_SITE, build_small_fleet

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed: .ci/run installs it",
)

# Headline of February 2024: (Feb 2024, Jan 2024, Feb 2023, M/M %, Y/Y %); see report_fleet.py
HEADLINE = {
    "Deployed hash rate (PH/s)": (2.90, 2.50, 0.50, 16.0, 480.0),
    "Planned hash rate (PH/s)": (3.55, 3.50, 0.50, 100 * 0.05 / 3.5, 610.0),
    "Share of plan deployed (%)": (100 * 2900 / 3550, 100 * 2500 / 3500, 100.0, None, None),
    "Units ordered": (5, 10, 0, -50.0, None),
    "Units on site": (4, 0, 0, None, None),
    "Units deployed": (32, 30, 10, 100 * 2 / 30, 220.0),
    "Units retired": (4, 0, 0, None, None),
    "Units cancelled": (3, 0, 0, None, None),
    "Deployed power (MW)": (0.093, 0.085, 0.025, 100 * 8 / 85, 272.0),
    "Power capacity (MW)": (3.0, 3.0, 3.0, 0.0, 0.0),
    "Fleet efficiency (J/TH)": (93_000 / 2900, 34.0, 50.0, 100 * (93 / 2.9 - 34) / 34, 100 * (93 / 2.9 - 50) / 50),
    "Energy in the month (MWh)": (58.68, 43.08, 16.8, 100 * (58.68 - 43.08) / 43.08, 100 * (58.68 - 16.8) / 16.8),
    "Power cost in the month (USD)": (3150.0, 2154.0, None, 100 * (3150 - 2154) / 2154, None),
    "Capex, miners (USD)": (81_000, 75_000, 10_000, 8.0, 710.0),
    "Capex, facilities (USD)": (1_000_000, 1_000_000, 0, 0.0, None),
    "Capex, total (USD)": (1_081_000, 1_075_000, 10_000, 100 * 6 / 1075, 10_710.0),
    "Capex per TH/s deployed (USD)": (1_081_000 / 2900, 1_075_000 / 2500, 20.0, None, None),
}


@pytest.fixture(autouse=True)
def _one_qt_application(qapp) -> None:
    """The report's in-process runs reuse pytest-qt's QApplication: an application of their own
    (a QGuiApplication, as the command line makes) would outlive the test and refuse the
    widgets of the GUI tests run after it in the same process."""


@pytest.fixture
def small_db(db_path: Path) -> Path:
    path = db_path
    with open_session(path) as session:
        build_small_fleet(session)
    return path


@pytest.fixture
def small_report(small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    args = ("--db", str(small_db), "report", "--month", "2024-02", "--pdf", str(pdf), "--xlsx", str(xlsx))
    result = run_cli(capsys, *args, "--page-size", "a4")
    assert result.code == 0, result.err
    assert "r.pdf (3 pages)" in result.out
    return pdf, xlsx


def _sheet_rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path, data_only=True)[sheet].iter_rows(values_only=True))


def _close(actual: object, expected: float | None) -> bool:
    if expected is None:
        return actual is None
    return isinstance(actual, (int, float)) and abs(actual - expected) < 1e-6 * max(1.0, abs(expected))


def test_headline_cells_in_the_xlsx_are_the_hand_worked_figures(small_report: tuple[Path, Path]) -> None:
    rows = {row[0]: row[1:] for row in _sheet_rows(small_report[1], "Headline") if row and row[0]}
    assert rows["Figure"] == ("Feb 2024", "Jan 2024", "Feb 2023", "M/M %", "Y/Y %")
    for label, expected in HEADLINE.items():
        if label == "Capex per TH/s deployed (USD)":
            expected = (*expected[:3], 100 * (expected[0] / expected[1] - 1), 100 * (expected[0] / 20 - 1))
        assert all(_close(a, e) for a, e in zip(rows[label], expected, strict=True)), (label, rows[label], expected)


def test_per_site_table_in_the_xlsx(small_report: tuple[Path, Path]) -> None:
    header, *rows = _sheet_rows(small_report[1], "Data centers")[1:]
    assert header[:5] == ("Data center", "Capacity (MW)", "Deployed (PH/s)", "Planned (PH/s)", "% of plan")
    by_name = {row[0]: row for row in rows}
    texas, kaz, total = by_name["Texas"], by_name[CYRILLIC_SITE], by_name["Total"]
    assert texas[1:12] == (1, 0.6, 1.25, 48, 5, 0, 4, 6, 0.018, 30, 1_031_000)
    assert kaz[1:5] == (2, 2.3, 2.3, 100) and kaz[5:9] == (0, 0, 0, 26) and kaz[11] == 50_000
    assert _close(kaz[10], 75_000 / 2300) and _close(total[10], 93_000 / 2900)
    assert total[8] == 32 and total[11] == 1_081_000
    # Texas' next delivery: the 5 units of the M50 batch still ordered, expected 2024-04-15
    assert texas[12].date().isoformat() == "2024-04-15" and texas[13] == 5
    (target,) = _sheet_rows(small_report[1], "Targets")[2:]
    assert target[0] == CYRILLIC_SITE and target[1] == 5 and _close(target[4], 2.7)
    assert _close(target[6], 2.7 / (122 / (365.25 / 12)))


def _pdf_text(pdf: Path, *pages: int) -> str:
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    out = subprocess.run(
        ["pdftotext", "-layout", *first_last, str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return unicodedata.normalize("NFKC", out.stdout)  # the PDF sets "ffi" as one ligature glyph


def _row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.strip().startswith(label))
    return re.split(r"\s{2,}", line.strip()[len(label) :].strip())


@needs_poppler
def test_headline_and_site_figures_in_the_pdf_text(small_report: tuple[Path, Path]) -> None:
    first = _pdf_text(small_report[0], 1)
    assert _row(first, "Deployed hash rate (PH/s)") == ["2.90", "2.50", "0.50", "+16.00 %", "+480.00 %"]
    assert _row(first, "Planned hash rate (PH/s)") == ["3.55", "3.50", "0.50", "+1.43 %", "+610.00 %"]
    assert _row(first, "Share of plan deployed (%)") == ["81.69", "71.43", "100.00", "–", "–"]
    assert _row(first, "Units deployed") == ["32", "30", "10", "+6.67 %", "+220.00 %"]
    assert _row(first, "Units cancelled") == ["3", "0", "0", "–", "–"]
    assert _row(first, "Fleet efficiency (J/TH)") == ["32.07", "34.00", "50.00", "-5.68 %", "-35.86 %"]
    assert _row(first, "Energy in the month (MWh)") == ["58.68", "43.08", "16.80", "+36.21 %", "+249.29 %"]
    assert _row(first, "Power cost in the month (USD)") == ["3,150.00", "2,154.00", "–", "+46.24 %", "–"]
    assert _row(first, "Capex, total (USD)") == ["1,081,000", "1,075,000", "10,000", "+0.56 %", "+10,710.00 %"]
    assert _row(first, "Capex per TH/s deployed (USD)") == ["372.76", "430.00", "20.00", "-13.31 %", "+1,763.79 %"]
    second = _pdf_text(small_report[0], 2)
    assert _row(second, "Texas") == [
        "1.00",
        "0.60",
        "1.25",
        "48.00",
        "5",
        "0",
        "4",
        "6",
        "0.02",
        "30.00",
        "1,031,000",
        "2024-04-15",
        "5",
    ]
    assert _row(second, CYRILLIC_SITE) == [
        "2.00",
        "2.30",
        "2.30",
        "100.00",
        "0",
        "0",
        "0",
        "26",
        "0.07",
        "32.61",
        "50,000",
        "–",
        "–",
    ]
    target_line = [line for line in second.splitlines() if line.startswith(CYRILLIC_SITE)][1]
    assert re.split(r"\s{2,}", target_line.strip()) == [
        CYRILLIC_SITE,
        "5.00",
        "2024-06-30",
        "2.30",
        "2.70",
        "4.01",
        "0.67",
    ]


@needs_poppler
def test_the_pdf_renders_three_non_empty_pages_with_cyrillic_and_chinese_text(
    small_report: tuple[Path, Path], tmp_path: Path
) -> None:
    pdf = small_report[0]
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    from PySide6.QtGui import QImage

    for page in pages:
        image = QImage(str(page))
        assert not image.isNull() and image.width() > 200
        sample = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(sample) > 5  # not a blank page
    text = _pdf_text(pdf)
    assert CYRILLIC_SITE in text and CHINESE_SUPPLIER in text
    assert "Page 1 of 3" in text and "Page 3 of 3" in text and "Unaudited" in text and "as of 2024-02-29" in text


@needs_poppler
def test_demo_report_first_page_and_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, pdf, xlsx = tmp_path / "demo.db", tmp_path / "r.pdf", tmp_path / "r.xlsx"
    assert run_cli(capsys, "--db", str(db), "demo").code == 0
    result = run_cli(capsys, "--db", str(db), "report", "--month", "2021-07", "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert result.code == 0, result.err
    first = _pdf_text(pdf, 1)
    assert _row(first, "Units deployed")[0] == "3,819"
    assert _row(first, "Units in transit")[0] == "4,033"
    assert _row(first, "Units ordered")[0] == "2,500"
    assert _row(first, "Deployed hash rate (PH/s)")[0] == "145.56"
    assert _row(first, "Planned hash rate (PH/s)")[0] == "457.06"
    # miners 20,278,950 include the 2,500-unit lot of USD 6,600,000; Texas' facility 25,000,000
    assert _row(first, "Capex, miners (USD)")[:2] == ["20,278,950", "13,678,950"]
    assert _row(first, "Capex, total (USD)")[0] == "45,278,950"
    assert _row(first, "Capex per TH/s deployed (USD)")[0] == "311.07"
    assert _row(first, "Capex per TH/s planned (USD)")[0] == "99.07"
    rows = {row[0]: row[1:] for row in _sheet_rows(xlsx, "Headline") if row and row[0]}
    assert (
        rows["Units deployed"][0] == 3819 and rows["Units in transit"][0] == 4033 and rows["Units ordered"][0] == 2500
    )
    assert (
        round(rows["Deployed hash rate (PH/s)"][0], 2) == 145.56
        and round(rows["Planned hash rate (PH/s)"][0], 2) == 457.06
    )
    assert rows["Capex, total (USD)"][0] == 45_278_950
    expected = _sheet_rows(xlsx, "Expected batches")
    assert expected[-1][:4] == (7, "Kazakhstan", "MicroBT Whatsminer M20S", 2500) and expected[-1][6] == 6_600_000
    assert "6,600,000" in _pdf_text(pdf)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2024-13", "--pdf", "{dir}/a.pdf"), "--month"),
        (("--month", "2024-02"), "--pdf FILE, --xlsx FILE or both"),
        (("--month", "2024-02", "--pdf", "{dir}/a.txt"), "--pdf"),
        (("--month", "2024-02", "--pdf", "{dir}/a.pdf", "--xlsx", "{dir}/nowhere/b.xlsx"), "does not exist"),
        (("--month", "2024-02", "--pdf", "{dir}/a.pdf", "--site", "Nowhere"), "Nowhere"),
        (("--month", "2024-02", "--pdf", "{dir}/small.db"), "--pdf"),
    ],
)
def test_bad_report_input_exits_2_with_one_line_and_writes_nothing(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    def files() -> list[str]:  # SQLite's own -wal/-shm beside the database aside
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = files()
    result = run_cli(capsys, "--db", str(small_db), "report", *(a.replace("{dir}", str(tmp_path)) for a in args))
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1, result.err
    assert files() == before


def test_one_site_report_has_that_sites_figures(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = tmp_path / "texas.xlsx"
    result = run_cli(
        capsys, "--db", str(small_db), "report", "--month", "2024-02", "--site", "Texas", "--xlsx", str(xlsx)
    )
    assert result.code == 0, result.err
    rows = {row[0]: row[1:] for row in _sheet_rows(xlsx, "Headline") if row and row[0]}
    assert "Texas, as of 2024-02-29" in rows  # the scope under the title
    # Texas alone: 0.60 PH/s of 1.25 (1.00 planned a month before), capex 1,031,000 (1,025,000 in January)
    assert rows["Deployed hash rate (PH/s)"][:3] == (0.6, 0, 0) and rows["Planned hash rate (PH/s)"][:2] == (1.25, 1)
    assert rows["Capex, total (USD)"][:2] == (1_031_000, 1_025_000)
    assert [r[0] for r in _sheet_rows(xlsx, "Data centers")[2:]] == ["Texas", "Total"]
    assert _sheet_rows(xlsx, "Targets")[2:] == []  # the target is Экибастуз's


def _logo(path: Path) -> Path:
    from PySide6.QtGui import QColor, QImage

    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f77b4"))
    assert image.save(str(path))
    return path


@needs_poppler
def test_a_logo_goes_on_the_first_page_only(small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "r.pdf"
    logo = _logo(tmp_path / "logo.png")
    result = run_cli(
        capsys, "--db", str(small_db), "report", "--month", "2024-02", "--pdf", str(pdf), "--logo", str(logo)
    )
    assert result.code == 0, result.err
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:]]
    assert [(row[0], row[3], row[4]) for row in images] == [("1", "120", "40")]


@pytest.mark.parametrize("logo", ["missing.png", "small.db", "notes.png"])
def test_a_logo_that_is_not_an_image_exits_2(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], logo: str
) -> None:
    (tmp_path / "notes.png").write_text("not a picture", encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    args = ("--db", str(small_db), "report", "--month", "2024-02", "--pdf", str(pdf), "--logo", str(tmp_path / logo))
    result = run_cli(capsys, *args)
    assert result.code == 2 and result.err.startswith("hashplan: --logo:") and result.err.count("\n") == 1
    assert not pdf.exists()


def test_measured_operating_hash_rate_and_uptime_join_the_headline(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Polls in February 2024 (two days) and January 2024 (one day): the headline gains the
    month's average operating hash rate and the share of 5-minute windows hashing."""
    from datetime import datetime, timezone

    from desktop.domain.measured import RollupRow
    from desktop.store.measured import MeasuredStore

    def at(day: str) -> int:
        return int(datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=timezone.utc).timestamp())

    with open_session(small_db) as session:
        site = session.fleet.list_sites()[0].id or 0
        store = MeasuredStore(session.store)
        with session.store.write("polls"):
            # day 1: two polls averaging 2,600 TH/s; day 2: one poll of 2,800 TH/s -> Feb 2,700
            for day, ths, windows, hashing in (
                ("2024-02-10", 2500.0, 100, 90), ("2024-02-10", 2700.0, 100, 100),
                ("2024-02-11", 2800.0, 200, 190), ("2024-01-20", 2000.0, 100, 50),
            ):  # fmt: skip
                store.add_rollups([RollupRow(site, 10, 9, 1, ths, 2900.0, 32, 9000.0, windows, hashing)], at(day))
    xlsx = tmp_path / "m.xlsx"
    assert run_cli(capsys, "--db", str(small_db), "report", "--month", "2024-02", "--xlsx", str(xlsx)).code == 0
    rows = {row[0]: row[1:] for row in _sheet_rows(xlsx, "Headline") if row and row[0]}
    operating = rows["Operating hash rate, measured (PH/s)"]
    assert _close(operating[0], 2.7) and _close(operating[1], 2.0) and operating[2] is None
    assert _close(operating[3], 35.0)  # M/M %
    uptime = rows["Hashing uptime, measured (%)"]
    assert _close(uptime[0], 100 * 380 / 400) and _close(uptime[1], 50.0) and uptime[2] is None
    header, *months = _sheet_rows(xlsx, "Trend")
    column = header.index("Operating, measured (PH/s)")
    by_month = {row[0].strftime("%Y-%m"): row[column] for row in months}
    assert _close(by_month["2024-02"], 2.7) and _close(by_month["2024-01"], 2.0) and by_month["2023-12"] is None


def test_without_polls_the_headline_has_no_measured_rows(small_report: tuple[Path, Path]) -> None:
    rows = {row[0] for row in _sheet_rows(small_report[1], "Headline") if row and row[0]}
    assert not any("measured" in label for label in rows)
