"""The wheel is a self-contained package: built from the checkout, installed without it, it runs a
preset from any folder and writes its results there."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_wheel_runs_a_preset_without_the_checkout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "-w", str(tmp_path)],
                   check=True, cwd=tmp_path)
    wheel = next(tmp_path.glob("cogov-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"cogov", wheel.name.split("-py3")[0] + ".dist-info"}
    for data in ("cogov/scenarios/co_governance.toml", "cogov/experiments/designs/petition_response.toml",
                 "cogov/experiments/targets/seed_targets.toml", "cogov/app/plot.vue"):
        assert data in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True)
    # the dependencies come from this environment's site-packages; its .pth files (the editable
    # install of the checkout among them) are not read from a folder added this way
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "import cogov.model; print(cogov.model.__file__)"], cwd=work,
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(site), where
    out = subprocess.run([str(venv / "bin" / "cogov"), "run", "co_governance", "--steps", "20",
                          "--set", "population.residents=2000"], cwd=work, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (work / "results" / "cogov.db").is_file()
