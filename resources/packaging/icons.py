"""Renders the app icon (resources/icons/hashplan.svg) to PNG sizes, a Windows .ico and a macOS .icns.

Used by build.spec (the executable's icon) and build_deb.py (the hicolor theme icons).
Only Qt is needed: QSvgRenderer paints the SVG; the .ico and .icns containers are
written here with PNG-encoded entries, which every supported Windows and macOS reads.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512}


def svg_path(root: Path) -> Path:
    return root / "resources" / "icons" / "hashplan.svg"


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed to paint
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([])


def render_png(svg: Path, size: int) -> bytes:
    """The SVG painted on a transparent size x size square, PNG-encoded."""
    _app()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(svg: Path, target: Path) -> Path:
    """ICONDIR + one ICONDIRENTRY per size + the PNG images (Windows Vista and later)."""
    images = [(size, render_png(svg, size)) for size in ICO_SIZES]
    offset = 6 + 16 * len(images)
    header = struct.pack("<HHH", 0, 1, len(images))
    entries, blobs = b"", b""
    for size, png in images:
        edge = 0 if size >= 256 else size  # 0 means 256 in the ICO format
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    target.write_bytes(header + entries + blobs)
    return target


def write_icns(svg: Path, target: Path) -> Path:
    """'icns' + total length, then (type, length, PNG) chunks."""
    chunks = b"".join(
        kind + struct.pack(">I", 8 + len(png)) + png
        for kind, png in ((kind, render_png(svg, size)) for kind, size in ICNS_TYPES.items())
    )
    target.write_bytes(b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks)
    return target


def write_pngs(svg: Path, folder: Path, sizes: tuple[int, ...] = PNG_SIZES) -> dict[int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for size in sizes:
        path = folder / f"hashplan-{size}.png"
        path.write_bytes(render_png(svg, size))
        written[size] = path
    return written


def build_app_icon(root: Path, out_dir: Path) -> Path | None:
    """The icon file PyInstaller embeds on this platform (Linux executables carry none)."""
    svg = svg_path(root)
    if not svg.is_file():
        print(f"icons: {svg} is missing; building without an app icon", file=sys.stderr)
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":
        return write_ico(svg, out_dir / "hashplan.ico")
    if sys.platform == "darwin":
        return write_icns(svg, out_dir / "hashplan.icns")
    return None


if __name__ == "__main__":  # python resources/packaging/icons.py OUT_DIR: every format, to look at
    here = Path(__file__).resolve().parents[2]
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")
    write_pngs(svg_path(here), out)
    write_ico(svg_path(here), out / "hashplan.ico")
    write_icns(svg_path(here), out / "hashplan.icns")
    print(f"icons written to {out}")
