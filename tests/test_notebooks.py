"""The notebooks in notebooks/ run top to bottom on a fresh install and show what they promise.

Each notebook is executed with nbclient after its ``parameters`` cell is given small settings. The
kernel is this interpreter: a kernelspec pointing at ``sys.executable`` is written to a temporary
folder and used through its own kernel-spec manager, so neither a user's own ``python3`` kernel nor
the PATH decides which Python runs the notebooks.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

import nbformat
import pytest
from cogov.experiments.runs import derive_seed
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = "cogov-test"
GLYPH_WARNING = re.compile(r"missing from (current )?font|Glyph \d+ .* missing", re.IGNORECASE)
SMALL = {"RESIDENTS": 1000, "STEPS": 60}

pytestmark = pytest.mark.slow  # a Jupyter kernel per notebook


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory) -> Path:
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL, prefix=str(prefix), display_name="cogov (test)")
    kernels = prefix / "share" / "jupyter" / "kernels"
    spec = json.loads((kernels / KERNEL / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    return kernels


def set_parameters(nb, values: dict) -> None:
    """Give the names in the first code cell (tagged ``parameters``) new values."""
    cell = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in cell.metadata.get("tags", []), "the first code cell must be tagged `parameters`"
    lines = cell.source.splitlines()
    for name, value in values.items():
        hits = [i for i, line in enumerate(lines) if re.match(rf"{name}\s*=", line)]
        assert len(hits) == 1, f"`{name}` is not set (once) in the parameters cell"
        lines[hits[0]] = f"{name} = {value!r}"
    cell.source = "\n".join(lines)


def execute(name: str, values: dict, kernel_dir: Path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    set_parameters(nb, values)
    km = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))
    NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def code_cells(nb, tag: str | None = None) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and (tag is None or tag in c.metadata.get("tags", []))]


def text(cell) -> str:
    """Everything a cell printed or displayed as text."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


def check_clean(nb) -> None:
    for cell in code_cells(nb):
        for out in cell.outputs:
            assert out.output_type != "error", f"{out.ename}: {out.evalue}"
        assert not GLYPH_WARNING.search(text(cell)), f"a glyph is missing from the font:\n{text(cell)}"
    figures = code_cells(nb, "figure")
    assert figures, "no cell is tagged `figure`"
    for cell in figures:
        assert any("image/png" in out.get("data", {}) for out in cell.outputs), f"no figure from:\n{cell.source[:200]}"


def test_notebooks_are_stored_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in code_cells(nb):
            assert not cell.outputs and cell.execution_count is None, f"{path.name} is stored with outputs"


@pytest.fixture(scope="module")
def classroom(kernel_dir):
    return execute("classroom.ipynb", SMALL, kernel_dir)


@pytest.fixture(scope="module")
def research(kernel_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("research") / "notebook.db"
    nb = execute("research.ipynb", {**SMALL, "REPLICATES": 2, "WORKERS": 1, "DB_PATH": str(db)}, kernel_dir)
    return nb, db


def test_classroom_runs_and_draws_every_chart(classroom):
    check_clean(classroom)
    assert len(code_cells(classroom, "figure")) >= 7


def test_classroom_compares_two_presets_on_one_seed(classroom):
    (headline,) = code_cells(classroom, "headline")
    out = text(headline)
    assert "administrative_only" in out and "co_governance" in out
    assert "化解率 / Resolution rate" in out and "本地与流动人口满意度差" in out


def test_classroom_follows_a_case_journey(classroom):
    (journey,) = code_cells(classroom, "journey")
    out = text(journey)
    assert out.count("案件 case #") == 2
    assert out.count("发生 / arose") == 2  # one journey per scenario, each from its start


def test_research_sweep_lands_in_the_store(research):
    nb, db = research
    check_clean(nb)
    assert db.is_file()
    with sqlite3.connect(db) as con:
        ((name, master_seed, code),) = con.execute("select name, master_seed, code_version from experiments").fetchall()
        runs = con.execute(
            "select point, replicate, seed, status, code_version, steps from runs where experiment = ?", [name]
        ).fetchall()
        n_metrics = con.execute("select count(*) from metrics").fetchone()[0]
    points = {r[0] for r in runs}
    assert len(points) == 6 and len(runs) == 12 == n_metrics
    assert all(r[3] == "done" and r[4] == code and r[5] == 60 for r in runs)
    assert all(r[2] == derive_seed(master_seed, r[0], r[1]) for r in runs)
    assert (db.parent / f"{name}.toml").is_file()


def test_research_reports_intervals_and_reproduces(research):
    nb, db = research
    with sqlite3.connect(db) as con:
        points = [r[0] for r in con.execute("select distinct point from runs")]
    (summary,) = code_cells(nb, "summary")
    out = text(summary)
    assert all(p in out for p in points)
    assert "95%" in out
    printed = "\n".join(text(c) for c in code_cells(nb))
    assert "全部指标相同 / all metrics identical" in printed
    assert "seeds re-derived from the master seed" in printed
