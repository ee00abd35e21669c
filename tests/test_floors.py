"""The package's floors import only downward: model <- analysis <- widgets <- teaching <- cli."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zswap_widgets"
FLOORS = ("model", "analysis", "widgets", "teaching", "cli")


def _imported_floors(path: Path) -> set[str]:
    """The floors a module imports from (relative imports resolved against its package)."""
    floor = path.relative_to(PACKAGE).parts[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("zswap_widgets."):
                out.add(node.module.split(".")[1])
            elif node.level == 2 and node.module:
                out.add(node.module.split(".")[0])
            elif node.level == 1:
                out.add(floor)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("zswap_widgets."):
                    out.add(alias.name.split(".")[1])
    return out & set(FLOORS)


@pytest.mark.parametrize("floor", FLOORS)
def test_each_floor_imports_only_from_floors_below(floor):
    allowed = set(FLOORS[: FLOORS.index(floor) + 1])
    for path in (PACKAGE / floor).rglob("*.py"):
        above = _imported_floors(path) - allowed
        assert not above, f"{path.relative_to(PACKAGE)} imports from {sorted(above)}"


def test_the_model_and_analysis_load_without_widget_libraries():
    code = (
        "import sys, zswap_widgets, zswap_widgets.model, zswap_widgets.analysis.bench; "
        "zswap_widgets.simulate(zswap_widgets.Config(alloc_mib=8, ram_mib=256, idle_s=0)); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ipywidgets', 'bqplot')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
