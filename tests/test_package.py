"""The wheel is a self-contained package: built from the checkout, installed without it, it runs a
preset from any folder and writes its results there."""

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_wheel_runs_a_preset_without_the_checkout(tmp_path):
    # built from a copy, so that no build folder left in the checkout leaks stale modules into the wheel
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "build", "results", "*.egg-info", "__pycache__", ".*_cache"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(tmp_path)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(tmp_path.glob("cogov-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"cogov", wheel.name.split("-py3")[0] + ".dist-info"}
    for data in (
        "cogov/scenarios/co_governance.toml",
        "cogov/experiments/designs/petition_response.toml",
        "cogov/experiments/targets/seed_targets.toml",
        "cogov/app/plot.vue",
    ):
        assert data in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True)
    # the dependencies come from this environment's site-packages; its .pth files (the editable
    # install of the checkout among them) are not read from a folder added this way
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import cogov.model; print(cogov.model.__file__)"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(site), where
    # every module of the checkout is in the wheel
    shipped = {n for n in names if n.endswith(".py")}
    for part in ("model", "experiments", "app", "cogov"):
        for f in (ROOT / part).rglob("*.py"):
            rel = f.relative_to(ROOT / part)
            assert "/".join(["cogov", *([part] if part != "cogov" else []), *rel.parts]) in shipped, f
    out = subprocess.run(
        [str(venv / "bin" / "cogov"), "run", "co_governance", "--steps", "20", "--set", "population.residents=2000"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert (work / "results" / "cogov.db").is_file()
    # the pages load from the installed package too (their .vue templates are package data)
    page = subprocess.run(
        [str(python), "-c", "import cogov.app.site as p; print(p.__file__)"], cwd=work, capture_output=True, text=True
    )
    assert page.returncode == 0 and page.stdout.startswith(site), page.stderr
