"""The guard of issue 10: generated bad inputs (Hypothesis) to every command that reads a file or a
value — scenario, design and targets files, `--set`, `--uncertain`, `--fit`, store paths — end with
exit code 2, one line on stderr naming where the problem is, no traceback, and nothing written.

Every generated input is bad by construction (one element that cannot be right, among noise that
may or may not be). The fast variant runs by default; the deep one is marked slow (CI runs it).
"""

import json
import math

import pytest
from click.testing import CliRunner
from cogov.experiments.cli import main
from cogov.model.levers import lever_index
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LEVERS = lever_index()
NUMERIC = sorted(n for n, lv in LEVERS.items() if lv.kind in ("int", "float") and lv.high is not None)
SCALAR = sorted(n for n, lv in LEVERS.items() if lv.kind in ("int", "float", "choice"))
DEPTHS = [pytest.param(15, id="fast"), pytest.param(150, marks=pytest.mark.slow, id="deep")]

unknown_name = st.from_regex(r"zz[a-z_]{0,8}\.[a-z_]{1,10}", fullmatch=True)


def toml_value(v) -> str:
    """A value as TOML (JSON's scalars and arrays are TOML, except non-finite floats)."""
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, list):
        return "[" + ", ".join(map(toml_value, v)) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(v, ensure_ascii=False)


any_value = st.recursive(
    st.none().map(lambda _: "") | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def bad_lever_value(draw):
    """(lever, value) that the schema must refuse: out of range, or of the wrong type."""
    name = draw(st.sampled_from(SCALAR))
    lv = LEVERS[name]
    if lv.kind == "choice":
        value = draw(st.text(max_size=12).filter(lambda s: s not in lv.choices) | st.integers() | st.floats())
    else:
        above = st.floats(min_value=1e-6, max_value=1e12).map(
            lambda d: lv.high + d if lv.high is not None else math.inf
        )
        value = draw(
            above
            | st.text(min_size=1, max_size=12)  # a number in quotes is text, refused too
            | st.lists(st.integers(), min_size=1, max_size=3)
            | st.just(math.nan)
        )
    return name, value


@st.composite
def noise(draw):
    """Lever assignments that may be valid or not."""
    return draw(st.dictionaries(st.sampled_from(SCALAR), any_value, max_size=3))


def assignments(values: dict) -> str:
    return "".join(f"{k} = {toml_value(v)}\n" for k, v in values.items())


def broken_text(text_strategy):
    """Text files made bad: bytes that are not UTF-8, NUL bytes, broken TOML, absurd nesting."""
    return st.one_of(
        text_strategy.map(lambda t: t.encode() + b"\xff\xfe"),
        text_strategy.map(lambda t: b"\x00" + t.encode()),
        text_strategy.map(lambda t: (t + "\n= = broken [\n").encode()),
        st.integers(20, 3000).map(lambda n: ("a = " + "[" * n + "]" * n + "\n").encode()),
    )


@st.composite
def scenario_text(draw):
    bad = draw(
        st.one_of(
            st.tuples(unknown_name, any_value).map(lambda kv: {kv[0]: kv[1]}),
            bad_lever_value().map(lambda kv: {kv[0]: kv[1]}),
        )
    )
    return 'extends = "co_governance"\n' + assignments({**draw(noise()), **bad})


@st.composite
def design_text(draw):
    name, value = draw(bad_lever_value())
    lever = draw(st.sampled_from(NUMERIC))
    bad = draw(
        st.sampled_from(
            [
                f"{draw(st.from_regex(r'zz[a-z_]{1,8}', fullmatch=True))} = 1\n",
                f"replicates = {draw(st.integers(max_value=0) | st.integers(min_value=10_001))}\n",
                f"[set]\n{name} = {toml_value(value)}\n",
                f"[factorial]\n{name} = [{toml_value(value)}]\n",
                f"[factorial]\n{lever} = []\n",
                f"[lhs]\nsamples = 3\n[lhs.ranges]\n{lever} = [{toml_value(draw(st.floats(allow_nan=True)))}, -inf]\n",
                f"[lhs]\nsamples = {draw(st.integers(max_value=1))}\n[lhs.ranges]\n{lever} = [0, 1]\n",
                f"metrics = [{json.dumps(draw(st.text(min_size=1, max_size=10).map(lambda s: 'zz' + s)))}]\n",
            ]
        )
    )
    return 'base = "co_governance"\nsteps = 5\n' + bad


@st.composite
def targets_text(draw):
    target = {
        "name": "t",
        "preset": "legal_grid",
        "metric": "resolution_rate",
        "value": 0.5,
        "tolerance": 0.1,
        "source": "s",
    }
    field, value = draw(
        st.sampled_from(
            [
                ("value", draw(st.sampled_from([math.nan, math.inf, -math.inf, "half"]))),
                ("tolerance", draw(st.floats(max_value=0) | st.just(math.inf) | st.just(math.nan))),
                ("metric", draw(st.text(max_size=10).map(lambda s: "zz" + s))),
                ("preset", draw(st.text(max_size=10).map(lambda s: "zz" + s))),
                (draw(st.from_regex(r"zz[a-z_]{1,8}", fullmatch=True)), draw(any_value)),
                ("direction", draw(st.text(max_size=8).map(lambda s: "zz" + s))),
            ]
        )
    )
    return "[[targets]]\n" + assignments({**target, field: value})


def bad_file(structured):
    return st.one_of(structured.map(str.encode), broken_text(structured))


@st.composite
def bad_set(draw):
    name, value = draw(st.one_of(st.tuples(unknown_name, any_value), bad_lever_value()))
    return f"{name}={toml_value(value)}"


@st.composite
def bad_range(draw):
    """LEVER[=LOW:HIGH] that cannot be sampled or fitted."""
    lever = draw(st.sampled_from(NUMERIC))
    lv = LEVERS[lever]
    low = lv.low if lv.low is not None else -1e9
    return draw(
        st.sampled_from(
            [
                draw(unknown_name),
                f"{lever}={draw(st.text(max_size=8).filter(lambda s: ':' not in s))}",
                f"{lever}={low}:{toml_value(draw(st.sampled_from([math.inf, math.nan])))}",
                f"{lever}={lv.high}:{low}",
                f"{lever}={low}:{lv.high + draw(st.floats(min_value=1, max_value=1e9))}",
            ]
        )
    )


def one_line(res, where: str) -> str:
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert where in lines[0], (where, lines[0])
    assert "Traceback" not in res.output
    return lines[0]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def fuzz(depth, strategy):
    """`depth` examples of `strategy` (the same ones every time below 50), no deadline, no example
    database: the settings go on the test that `given` makes, where Hypothesis reads them."""
    configured = settings(
        max_examples=depth,
        deadline=None,
        derandomize=depth < 50,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    return lambda test: configured(given(strategy)(test))


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize(
    "command", [["run"], ["sweep"], ["calibrate", "--preset", "legal_grid"]], ids=["scenario", "design", "targets"]
)
def test_bad_files(tmp_path, depth, command):
    content = {"run": scenario_text(), "sweep": design_text(), "calibrate": targets_text()}[command[0]]
    db = tmp_path / "new.db"

    @fuzz(depth, bad_file(content))
    def check(raw):
        path = tmp_path / "input.toml"
        path.write_bytes(raw)
        extra = ["--steps", "1"] if command[0] == "run" else []
        one_line(invoke(command[0], path, *command[1:], *extra, "--db", db), str(path))
        assert not db.exists()

    check()


@pytest.mark.parametrize("depth", DEPTHS)
def test_bad_set(tmp_path, depth):
    db = tmp_path / "new.db"

    @fuzz(depth, bad_set())
    def check(text):
        one_line(invoke("run", "co_governance", "--set", text, "--steps", "1", "--db", db), "--set")
        one_line(invoke("compare", "--set", text, "--replicates", "1", "--steps", "1", "--db", db), "--set")
        assert not db.exists()

    check()


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("option", ["--uncertain", "--fit"])
def test_bad_ranges(tmp_path, depth, option):
    db = tmp_path / "new.db"
    command = ["discover"] if option == "--uncertain" else ["calibrate", "--preset", "legal_grid"]

    @fuzz(depth, bad_range())
    def check(spec):
        one_line(invoke(*command, option, spec, "--db", db), option)
        assert not db.exists()

    check()


@pytest.mark.parametrize("depth", DEPTHS)
def test_bad_store_files(tmp_path, depth):
    not_sqlite = st.binary(min_size=100, max_size=5000).filter(lambda b: not b.startswith(b"SQLite format 3"))

    @fuzz(depth, not_sqlite)
    def check(raw):
        path = tmp_path / "store.db"
        path.write_bytes(raw)
        for args in (
            ["run", "co_governance", "--steps", "1"],
            ["report", "e"],
            ["export", "e"],
            ["sweep", "petition_response", "--no-report"],
        ):
            one_line(invoke(*args, "--db", path), str(path))
        assert path.read_bytes() == raw

    check()


@pytest.mark.parametrize("text", ['"0.5"', '"1"', "true"])
def test_a_number_in_quotes_or_a_switch_is_not_a_number(tmp_path, text):
    line = one_line(invoke("run", "co_governance", "--set", f"grid.admin_burden={text}", "--no-store"), "--set")
    assert "grid.admin_burden" in line and text.strip('"') in line.lower() and "0 – 1" in line
    scenario = tmp_path / "quoted.toml"
    scenario.write_text(f'extends = "co_governance"\n[grid]\nadmin_burden = {text}\n')
    line = one_line(invoke("run", str(scenario), "--no-store"), str(scenario))
    assert "grid.admin_burden" in line and "0 – 1" in line
