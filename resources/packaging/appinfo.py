"""Facts about the app that every packaging script shares; the version has one home: desktop/__init__.py."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "Hashplan"  # the bundle folder, the executable, the menu entry
PACKAGE = "hashplan"  # the .deb, the command on the PATH, the icon name
SUMMARY = "Plan and track Bitcoin-miner deployments per data center"


def read_version(root: Path = ROOT) -> str:
    """``desktop.__version__`` read without importing the package (no Qt, no install needed)."""
    tree = ast.parse((root / "desktop" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise SystemExit(f"{root / 'desktop' / '__init__.py'} defines no __version__")


if __name__ == "__main__":  # for shell scripts: VERSION=$(python resources/packaging/appinfo.py)
    print(read_version())
