"""The tutorial notebooks: committed without outputs, nbgrader metadata, and every one runs cleanly
top to bottom with a kernel from a fresh venv built only from binder/requirements.txt (slow)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest
from binder_venv import KERNEL_NAME, binder_kernel_dir

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TUTORIAL = [
    "01-what-zswap-is.ipynb",
    "02-five-stages.ipynb",
    "03-responsiveness.ipynb",
    "04-allocators-compressors.ipynb",
    "05-review-and-upstream.ipynb",
    "06-exercises.ipynb",
]
ALL = [*TUTORIAL, "app.ipynb"]
MAX_NOTEBOOK_S = 90  # each notebook is meant to run in under a minute; leave room for a busy CI


def _read(name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    return nb


def test_the_notebook_folder_holds_exactly_the_tutorial():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(ALL)


@pytest.mark.parametrize("name", ALL)
def test_committed_without_outputs(name):
    for cell in _read(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, name


@pytest.mark.parametrize("name", ALL)
def test_every_figure_cell_is_introduced_by_a_sentence_on_what_to_look_at(name):
    cells = _read(name).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and "plt.figure(" in cell.source:
            before = " ".join(
                c.source for c in cells[max(0, i - 3) : i] if c.cell_type == "markdown"
            )
            assert "look at" in before.lower(), f"{name} cell {i}: no 'look at' sentence"


def test_app_notebook_is_a_title_and_the_dashboard():
    cells = _read("app.ipynb").cells
    assert [c.cell_type for c in cells] == ["markdown", "code"]
    assert cells[0].source.startswith("# ")
    assert "Dashboard()" in cells[1].source


def test_the_exercise_notebook_asks_answers_and_checks_every_question():
    from zswap_widgets.teaching.course import role
    from zswap_widgets.teaching.exercises import EXERCISES

    cells = _read("06-exercises.ipynb").cells
    roles = [(role(c).get("role"), role(c).get("question")) for c in cells]
    assert ("student", None) in roles and ("manual", "q8") in roles
    for qid, e in EXERCISES.items():
        mine = [r for r, q in roles if q == qid]
        assert mine == ["text", "ask", "answer", "check"], (qid, mine)
        answer = next(c for c in cells if role(c) == {"role": "answer", "question": qid})
        assert answer.source.splitlines() == [
            f"{n} = ...  # {h}" for n, h in zip(e.names, e.hints, strict=True)
        ]
        check = next(c for c in cells if role(c) == {"role": "check", "question": qid})
        assert check.source == f'ex.check("{qid}", {", ".join(e.names)}, student=STUDENT_ID)'
    assert "reveal" not in "".join(c.source for c in cells if c.cell_type == "code")


def test_the_source_notebook_carries_nbgrader_metadata():
    from zswap_widgets.teaching.course import source_notebook

    nb = source_notebook(_read("06-exercises.ipynb"))
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    ids = [m["grade_id"] for m in meta if m]
    assert len(ids) == len(set(ids)), "grade_id must be unique"
    for cell, m in zip(nb.cells, meta, strict=True):
        if m is None:
            assert cell.source.startswith("STUDENT_ID = "), cell.source
            continue
        assert m["schema_version"] == 3
        if m["grade"]:
            assert m["points"] > 0
        if m["solution"]:
            assert not m["locked"]
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        else:
            assert m["locked"]
        if m["grade"] and cell.cell_type == "code":
            assert "zswap_widgets.teaching.grading" in cell.source


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    return binder_kernel_dir(tmp_path_factory)


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_notebook_runs_cleanly_in_the_binder_environment(name, kernel_dir, tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    work = tmp_path / name
    shutil.copyfile(NOTEBOOKS / name, work)
    nb = nbformat.read(work, as_version=4)
    km = AsyncKernelManager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]),
    )
    client = NotebookClient(
        nb, km=km, timeout=300, allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    )
    t0 = time.monotonic()
    client.execute()
    took = time.monotonic() - t0
    print(f"{name}: {took:.1f} s")
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{name}: {out.get('ename')}: {out.get('evalue')}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text, f"{name}: {out.text}"
    assert took < MAX_NOTEBOOK_S, f"{name} took {took:.0f} s (meant to run in under a minute)"
