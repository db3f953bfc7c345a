"""The output schema names exactly what a run reports, and says it in both languages."""

from cogov.app.text import T
from cogov.experiments.report import LABELS
from cogov.model.outputs import DAILY_SERIES, KEY_METRICS, OUTPUTS, label, metric_names


def test_the_schema_names_exactly_the_metrics_of_a_run(run_preset):
    metrics = run_preset("co_governance", steps=30, **{"population.residents": 800}).metrics
    assert set(metrics) == metric_names()


def test_every_output_has_labels_a_unit_and_a_direction():
    for o in {**OUTPUTS, **DAILY_SERIES}.values():
        assert o.zh and o.en and o.unit, o
        assert o.better in ("higher", "lower", None), o
        assert o.group in ("disputes", "escalation", "residents", "capacity and cost", "equity", "detail"), o
    assert OUTPUTS["resolution_rate"].better == "higher" and OUTPUTS["cost_total"].better == "lower"
    assert len({o.zh for o in OUTPUTS.values()}) == len(OUTPUTS), "two metrics share a Chinese label"
    assert len({o.en for o in OUTPUTS.values()}) == len(OUTPUTS), "two metrics share an English label"


def test_report_and_app_read_the_schema():
    assert set(KEY_METRICS) <= set(LABELS) <= set(OUTPUTS) | set(DAILY_SERIES)
    for name in KEY_METRICS:
        assert LABELS[name] == (OUTPUTS[name].zh, OUTPUTS[name].en)
        assert T("zh").metric(name) == OUTPUTS[name].zh and T("en").metric(name) == OUTPUTS[name].en
    assert label("no_such_metric", "zh") == "no_such_metric"


def test_the_outputs_page_is_generated_from_the_schema():
    from pathlib import Path

    from cogov.experiments.docs_gen import outputs_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "outputs.md"
    assert page.read_text(encoding="utf-8") == outputs_markdown(), "docs/outputs.md is stale: run `make docs`"
