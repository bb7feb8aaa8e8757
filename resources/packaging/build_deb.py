"""Turns the PyInstaller bundle dist/Hashplan/ into dist/hashplan_VERSION_ARCH.deb.

    .venv/bin/pyinstaller build.spec && .venv/bin/python resources/packaging/build_deb.py

Layout: the bundle under /opt/hashplan, /usr/bin/hashplan a symlink to its executable,
the menu entry in /usr/share/applications and the icon in the hicolor theme (SVG plus
PNG sizes rendered with Qt). Users' data is never packaged, and the maintainer scripts
only refresh the menu and icon caches.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import appinfo
import icons

HERE = Path(__file__).resolve().parent
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Measured on the 170 MB bundle: xz -2 gives 50 MB in ~23 s (xz -6: 46 MB in 70 s);
# gzip gives 64 MB in ~7 s (the test uses it). Every dpkg reads both.
COMPRESSION = {"xz": ("-Zxz", "-z2"), "gzip": ("-Zgzip", "-z6")}


def deb_arch() -> str:
    try:
        found = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True)
        return found.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def glibc_version() -> str:
    """The build machine's glibc: the bundle's interpreter needs at least this one."""
    found = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
    return found.split()[-1] if found else "2.28"


def _normalise_modes(root: Path) -> None:
    """Directories 0755, executables 0755, everything else 0644 (whatever the build umask was)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def _installed_size_kib(root: Path) -> int:
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return (total + 1023) // 1024


def stage(bundle: Path, root: Path, version: str, arch: str) -> None:
    """Fills ``root`` with the package's files and its DEBIAN/ control area."""
    app_dir = root / "opt" / appinfo.PACKAGE
    shutil.copytree(bundle, app_dir, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Absolute, as Debian policy wants for a link between top-level folders; the bootloader
    # resolves it and finds _internal/ next to the real executable.
    (bin_dir / appinfo.PACKAGE).symlink_to(Path("/opt", appinfo.PACKAGE, appinfo.NAME))

    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(HERE / "hashplan.desktop", share / "applications" / f"{appinfo.PACKAGE}.desktop")
    svg = icons.svg_path(appinfo.ROOT)
    theme = share / "icons" / "hicolor"
    (theme / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(svg, theme / "scalable" / "apps" / f"{appinfo.PACKAGE}.svg")
    for size in ICON_SIZES:
        folder = theme / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        (folder / f"{appinfo.PACKAGE}.png").write_bytes(icons.render_png(svg, size))
    doc = share / "doc" / appinfo.PACKAGE
    doc.mkdir(parents=True)
    shutil.copy2(appinfo.ROOT / "LICENSE", doc / "copyright")

    _normalise_modes(root)
    control_dir = root / "DEBIAN"
    control_dir.mkdir()
    control = (HERE / "debian" / "control.in").read_text(encoding="utf-8")
    for key, value in {
        "VERSION": version,
        "ARCH": arch,
        "INSTALLED_SIZE": str(_installed_size_kib(root)),
        "GLIBC": glibc_version(),
        "SUMMARY": appinfo.SUMMARY,
    }.items():
        control = control.replace(f"@{key}@", value)
    (control_dir / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        shutil.copy2(HERE / "debian" / script, control_dir / script)
        (control_dir / script).chmod(0o755)
    control_dir.chmod(0o755)


def build(bundle: Path, out_dir: Path, *, compression: str = "xz") -> Path:
    executable = bundle / appinfo.NAME
    if not executable.is_file():
        raise SystemExit(f"build_deb: {executable} not found; build the bundle first: .venv/bin/pyinstaller build.spec")
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("build_deb: dpkg-deb not found (Debian/Ubuntu: apt-get install dpkg)")
    version, arch = appinfo.read_version(), deb_arch()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{appinfo.PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="hashplan-deb-") as work:
        root = Path(work) / "root"
        root.mkdir()
        stage(bundle, root, version, arch)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", *COMPRESSION[compression], "--build", str(root), str(target)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Hashplan .deb from the PyInstaller bundle.")
    bundle = appinfo.ROOT / "dist" / appinfo.NAME
    parser.add_argument("--bundle", type=Path, default=bundle, help="the PyInstaller bundle (default: dist/Hashplan)")
    parser.add_argument("--out", type=Path, default=appinfo.ROOT / "dist", help="folder for the .deb (default: dist)")
    parser.add_argument("--compression", choices=sorted(COMPRESSION), default="xz", help="default: xz")
    args = parser.parse_args(argv)
    target = build(args.bundle.resolve(), args.out.resolve(), compression=args.compression)
    print(f"built {target} ({target.stat().st_size / 1_048_576:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
