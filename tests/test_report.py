"""The experiment report: self-contained HTML and Markdown with figures, in Chinese and English."""

import re
import warnings

import pytest
from cogov.experiments.batch import run_design
from cogov.experiments.design import build_design
from cogov.experiments.engine import LocalEngine
from cogov.experiments.report import FONT_FILE, cjk_font, write_report
from cogov.experiments.store import experiment_row, open_db
from matplotlib import font_manager

SMALL = {"replicates": 3, "steps": 60, "set": {"population.residents": 1000}}
GLYPH_WARNING = re.compile(r"missing from font|Glyph .* missing", re.IGNORECASE)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A store with a small comparison (``t``) and a small factorial sweep (``s``)."""
    store = open_db(tmp_path_factory.mktemp("store") / "r.db")
    compare = build_design(
        {"name": "t", "scenarios": ["administrative_only", "co_governance"], "master_seed": 1, **SMALL}, "test"
    )
    sweep = build_design(
        {"name": "s", "base": "co_governance", "factorial": {"grid.workers_per_grid": [0.5, 2.0]}, **SMALL}, "test"
    )
    run_design(store, compare, LocalEngine(1), kind="compare", command="cogov compare (test)", progress=False)
    run_design(store, sweep, LocalEngine(1), kind="sweep", command="cogov sweep (test)", progress=False)
    return store


@pytest.fixture(scope="module")
def reports(db, tmp_path_factory):
    """The comparison's report in both languages and the sweep's in Chinese, with the warnings raised."""
    out = tmp_path_factory.mktemp("reports")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = {
            (name, lang): write_report(db, name, out / f"{name}-{lang}", lang)
            for name, lang in [("t", "zh"), ("t", "en"), ("s", "zh")]
        }
    return paths, caught


def html(reports, name, lang):
    return reports[0][(name, lang)]["html"].read_text(encoding="utf-8")


def test_files_are_written(reports):
    for paths in reports[0].values():
        assert paths["html"].is_file() and paths["markdown"].is_file()
        assert paths["figures"] and all(p.is_file() and p.suffix == ".png" for p in paths["figures"])
        assert all(p.parent == paths["markdown"].parent for p in paths["figures"])
        md = paths["markdown"].read_text(encoding="utf-8")
        assert all(f"]({p.name})" in md for p in paths["figures"])


def test_html_is_self_contained(reports):
    for name, lang in reports[0]:
        text = html(reports, name, lang)
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
        assert "<link" not in text and "@import" not in text
        assert text.count('src="data:image/png;base64,') == len(reports[0][(name, lang)]["figures"])


def test_html_states_results_and_provenance(db, reports):
    row = experiment_row(db, "t")
    for lang in ("zh", "en"):
        text = html(reports, "t", lang)
        assert "administrative_only" in text and "co_governance" in text
        assert "95%" in text and re.search(r"\d\.\d+ \[-?\d\.\d+, -?\d\.\d+\]", text)
        assert str(row["master_seed"]) in text and row["code_version"] in text
        assert "cogov compare (test)" in text and "6 / 6" in text
        assert "population.residents" in text and "<details>" in text


def test_languages(reports):
    zh, en = html(reports, "t", "zh"), html(reports, "t", "en")
    for heading in ("各设计点的最终指标", "与基准的差异", "时间序列", "成本效益", "可复现信息", "化解率"):
        assert heading in zh and heading not in en
    for heading in (
        "Final metrics by design point",
        "Difference from the baseline",
        "Time series",
        "Cost-effectiveness",
        "Reproducibility",
        "Resolution rate",
    ):
        assert heading in en and heading not in zh
    assert "多元共治" in zh  # the preset's description


def test_sweep_has_lever_response(reports):
    text = html(reports, "s", "zh")
    assert "杠杆响应" in text and "<h3>grid.workers_per_grid" in text
    assert any(p.name == "lever_grid.workers_per_grid.png" for p in reports[0][("s", "zh")]["figures"])
    assert "杠杆响应" not in html(reports, "t", "zh")


def test_chinese_renders_with_the_cjk_font(reports):
    assert not [w for w in reports[1] if GLYPH_WARNING.search(str(w.message))]
    found = font_manager.findfont(font_manager.FontProperties(family=cjk_font()), fallback_to_default=False)
    assert found == str(FONT_FILE)


def test_unknown_experiment(db, tmp_path):
    with pytest.raises(KeyError):
        write_report(db, "no-such-experiment", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_analysis_experiments_point_to_their_own_command(tmp_path):
    from cogov.experiments.store import begin_experiment

    db = open_db(tmp_path / "a.db")
    begin_experiment(db, "sa", kind="sensitivity")
    with pytest.raises(ValueError, match="`cogov sensitivity` writes its results"):
        write_report(db, "sa", tmp_path / "out")


def test_the_report_names_the_baseline_of_its_design():
    from cogov.experiments.report import stored_design

    row = {"design": '{"name": "c", "baseline": null, "scenarios": ["administrative_only", "co_governance"]}'}
    assert stored_design(row, "administrative_only")["baseline"] == "administrative_only"
    row = {"design": '{"name": "c", "baseline": "co_governance"}'}
    assert stored_design(row, "administrative_only")["baseline"] == "co_governance"
