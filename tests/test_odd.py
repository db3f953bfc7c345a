"""docs/ODD.md stays true to the code: its parameter block is what the schema generates now, every
parameter's source is a seed citation, a public figure or an assumption with a range, the ODD
sections are all there, and the schedule table and submodel headings name what `model/` holds, in
the order `CogovModel.step` runs it."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import cogov.model.model as model_module
import pytest
from cogov.experiments.docs_gen import ODD_PATH, SEED_LINE, current_block, render_block, source_kind
from cogov.model.levers import lever_table

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "model"
SEED_PASSAGES = ROOT / "docs" / "seed_passages.md"

ODD_HEADINGS = [
    (2, "1. Purpose and patterns"),
    (2, "2. Entities, state variables and scales"),
    (2, "3. Process overview and scheduling"),
    (2, "4. Design concepts"),
    (3, "4.1 Basic principles"),
    (3, "4.2 Emergence"),
    (3, "4.3 Adaptation"),
    (3, "4.4 Objectives"),
    (3, "4.5 Learning"),
    (3, "4.6 Prediction"),
    (3, "4.7 Sensing"),
    (3, "4.8 Interaction"),
    (3, "4.9 Stochasticity"),
    (3, "4.10 Collectives"),
    (3, "4.11 Observation"),
    (2, "5. Initialisation"),
    (2, "6. Input data"),
    (2, "7. Submodels"),
]


def _odd() -> str:
    return ODD_PATH.read_text(encoding="utf-8")


def _headings(text: str) -> list[tuple[int, str]]:
    out = []
    for line in text.splitlines():
        m = re.match(r"^(#+)\s+(.*?)\s*$", line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


def _section(text: str, number: str) -> str:
    """The text of top-level section `number` ("3"), up to the next top-level heading."""
    m = re.search(rf"^## {re.escape(number)}\. .*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, f"docs/ODD.md has no section `## {number}.`"
    return m.group(1)


def _resolve(module_stem: str, dotted: str):
    obj = importlib.import_module(f"model.{module_stem}")
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


# --- the generated parameter block -------------------------------------------------------------


def test_parameter_block_matches_the_schema():
    block = current_block(_odd())
    assert block is not None, "docs/ODD.md lacks the parameter markers; add them and run `make docs`"
    assert block == render_block(), "the parameter table in docs/ODD.md is stale: run `make docs`"


# --- provenance of every parameter ----------------------------------------------------------------


@pytest.mark.parametrize(
    "source, kinds",
    [
        ("", ()),
        ("assumption", ()),
        ("assumption: a guess", ()),
        ("0.1–0.5", ()),
        ("DESIGN §2: property, land and labor are group-prone", ()),
        ("seed 009 L12: no such seed", ()),
        ("assumption: 0.1–0.5", ("assumption",)),
        ("assumption: ±0.15 around the default", ("assumption",)),
        ("assumption: ×0.5–×2", ("assumption",)),
        ("assumption: ¥40,000–120,000", ("assumption",)),
        ("seed 002 L77: 刚性权力; value assumption 0–0.3", ("seed", "assumption")),
        ("seed 002 L85: 实现现场调解、就地解决", ("seed",)),
        ("seeds 001, 003: tendering quality", ("seed",)),
        ("public figure: 2020 census, 2.62 persons per household", ("public figure",)),
    ],
)
def test_source_rule(source, kinds):
    assert source_kind(source) == kinds


@pytest.mark.parametrize("lever", [pytest.param(lv, id=lv.name) for lv in lever_table()])
def test_source_is_a_seed_a_public_figure_or_a_ranged_assumption(lever):
    assert lever.source.strip(), f"`{lever.name}` has no source"
    assert source_kind(lever.source), (
        f"`{lever.name}` source {lever.source!r}: cite a seed (`seed 002 L85`), a public figure "
        "(`public figure: …`), or write `assumption: low–high`"
    )


def test_every_numeric_assumption_has_a_plausible_range():
    """What sensitivity analysis and scenario discovery vary over is structured, not read from prose."""
    not_ranged = {
        "population.residents": "scale, not behaviour",
        "budget.standing_per_10k": "a policy choice (off by default), varied on the command line",
    }
    missing = [
        lv.name
        for lv in lever_table()
        if "assumption" in lv.source
        and lv.kind in ("int", "float")
        and lv.plausible is None
        and lv.name not in not_ranged
    ]
    assert not missing, f"give these levers `plausible=(low, high)` in model/params.py: {missing}"
    for lv in lever_table():
        if lv.plausible is not None:
            lo, hi = lv.plausible
            assert lo < hi and (lv.low is None or lo >= lv.low) and (lv.high is None or hi <= lv.high), lv.name


def test_cited_seed_lines_are_quoted_in_seed_passages():
    quoted = set(SEED_LINE.findall(SEED_PASSAGES.read_text(encoding="utf-8")))
    cited = [(lv.name, m) for lv in lever_table() for m in SEED_LINE.findall(lv.source)]
    outside = current_block(_odd()) or ""
    cited += [("docs/ODD.md", m) for m in SEED_LINE.findall(_odd().replace(outside, ""))]
    missing = [f"{who}: seed {s} L{line}" for who, (s, line) in cited if (s, line) not in quoted]
    assert not missing, "cited seed lines not quoted in docs/seed_passages.md: " + "; ".join(missing)


# --- the ODD structure ------------------------------------------------------------------------------


def test_every_odd_section_is_there():
    headings = _headings(_odd())
    missing = [f"{'#' * level} {title}" for level, title in ODD_HEADINGS if (level, title) not in headings]
    assert not missing, f"docs/ODD.md lacks the headings {missing}"
    order = [headings.index(h) for h in ODD_HEADINGS]
    assert order == sorted(order), "the ODD sections of docs/ODD.md are out of order"


def _step_calls() -> list[str]:
    """The calls `CogovModel.step` makes, in order ("arise", …, "datacollector.collect")."""
    fn = ast.parse(textwrap.dedent(inspect.getsource(model_module.CogovModel.step))).body[0]
    return [
        ast.unparse(s.value.func).removeprefix("self.")
        for s in fn.body
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
    ]


def _schedule_rows() -> list[tuple[str, str]]:
    """(module stem, function) of each row of the schedule table in §3, in order."""
    rows = []
    for line in _section(_odd(), "3").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        for a, b in zip(cells, cells[1:]):
            ma, mb = re.fullmatch(r"`model/(\w+)\.py`", a), re.fullmatch(r"`([\w.]+)`", b)
            if ma and mb:
                rows.append((ma.group(1), mb.group(1)))
                break
    return rows


def test_modules_named_in_the_schedule_exist():
    named = set(re.findall(r"model/(\w+)\.py", _section(_odd(), "3")))
    assert named, "§3 of docs/ODD.md names no module"
    missing = sorted(f"model/{m}.py" for m in named if not (MODEL_DIR / f"{m}.py").is_file())
    assert not missing, f"§3 of docs/ODD.md names modules that do not exist: {missing}"


def test_schedule_table_follows_the_step():
    rows = _schedule_rows()
    assert [f for _, f in rows] == _step_calls(), (
        "the schedule table in §3 of docs/ODD.md does not match the phases of CogovModel.step in "
        f"model/model.py: table {[f for _, f in rows]}, step {_step_calls()}"
    )
    for stem, fn in rows:
        if "." in fn:  # an attribute of the model, such as datacollector.collect
            continue
        called = getattr(model_module, fn)
        assert called.__module__ == f"cogov.model.{stem}", f"`{fn}` lives in {called.__module__}, not model/{stem}.py"


def test_submodel_headings_name_real_functions():
    named = []
    for level, title in _headings(_odd()):
        if level != 3 or not title.startswith("7."):
            continue
        for stem, names in re.findall(r"`model/(\w+)\.py`:\s*((?:`[\w.]+`(?:,\s*)?)+)", title):
            named += [(stem, n) for n in re.findall(r"`([\w.]+)`", names)]
    assert named, "no submodel heading of docs/ODD.md names a module and function"
    missing = []
    for stem, name in named:
        try:
            _resolve(stem, name)
        except (ImportError, AttributeError):
            missing.append(f"model/{stem}.py: {name}")
    assert not missing, f"submodel headings in docs/ODD.md name what the code lacks: {missing}"
