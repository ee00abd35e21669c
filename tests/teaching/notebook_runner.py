"""Execute a tutorial notebook the way the repository commits it: with its outputs, so that GitHub
and nbviewer show them, but each widget replaced by the static rendering it carries (an SVG of its
charts, or HTML): a widget view needs a kernel, or saved widget state (hundreds of kB for the
dashboard) plus the widget libraries from a CDN. Run the notebook and the live widgets come back.

    python3 tests/teaching/notebook_runner.py notebooks/01-what-zswap-is.ipynb ...

runs them with this Python's "python3" kernel, for a quick look. The committed notebooks come
from the fresh Binder environment instead, so that their outputs are exactly what a Binder user
gets: `ZSWAP_REFRESH_NOTEBOOKS=1 python3 -m pytest tests/teaching/test_notebooks.py -k binder`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
COMPARED = ("text/plain", "image/svg+xml", "text/html", "text/markdown")


def execute(path: Path, km=None, timeout: int = 300) -> tuple[nbformat.NotebookNode, float]:
    """The executed notebook (errors raise) and the seconds it took."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    kwargs = {"km": km} if km is not None else {"kernel_name": "python3"}
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=False,
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
        **kwargs,
    )
    t0 = time.monotonic()
    client.execute()
    return nb, time.monotonic() - t0


STATIC = ("image/svg+xml", "text/html")


def normalised(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as committed: widget views replaced by their static renderings, no widget
    state, no timing metadata."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data and any(m in data for m in STATIC):
                del data[WIDGET_VIEW]
    return nb


def visible_outputs(nb: nbformat.NotebookNode) -> list[list[str]]:
    """Per code cell, what a reader sees: streams (adjacent ones joined: how the kernel splits a
    cell's printing into messages depends on timing) and the non-widget parts of rich outputs."""
    shown = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts: list[str] = []
        streaming = False
        for out in cell.outputs:
            if out.output_type == "stream":
                if streaming:
                    texts[-1] += out.text
                else:
                    texts.append(out.text)
                streaming = True
                continue
            streaming = False
            if out.output_type in ("display_data", "execute_result"):
                texts.extend(str(out.data[m]) for m in COMPARED if m in out.data)
        shown.append(texts)
    return shown


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        nb, took = execute(path)
        nbformat.write(normalised(nb), path)
        print(f"{path.name}: executed in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
