"""The batch commands: `compare`, `sweep`, and `report` and `export` of a stored experiment."""

from __future__ import annotations

import click

from ...model import DEFAULT_STEPS
from ..paths import DEFAULT_DB, RESULTS
from .common import engine_options, err, fail, report_experiment, run_batch, series_option, shard_option

HEADLINE = [
    "administrative_only",
    "co_governance",
    "purchase_services",
    "grid_management",
    "legal_grid",
    "grand_mediation",
    "hotline",
    "campaign",
]


@click.command()
@click.option("--replicates", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option(
    "--seed", "master_seed", type=click.IntRange(0, 2**63 - 1), default=2026, show_default=True, help="Master seed."
)
@click.option("--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True)
@click.option(
    "--scenarios",
    "names",
    default=",".join(HEADLINE),
    show_default=True,
    help="Comma-separated presets; the first is the baseline.",
)
@click.option(
    "--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Override a lever in every scenario."
)
@click.option("--name", default="compare", show_default=True, help="Experiment name.")
@click.option(
    "--budget-matched",
    "matched",
    is_flag=True,
    help="Then compare again at one standing budget for all (experiment NAME_matched).",
)
@click.option(
    "--budget",
    type=click.FloatRange(1.0, 1e9),
    default=None,
    metavar="YUAN",
    help="The matched budget in ¥ per 10k residents a year (default: the mean of the presets' own).",
)
@click.option("--yes", is_flag=True, help="Run a design of more than 100,000 runs.")
@series_option
@shard_option
@engine_options
def compare(
    replicates,
    master_seed,
    steps,
    names,
    overrides,
    name,
    matched,
    budget,
    yes,
    series,
    shard,
    db,
    workers,
    engine_name,
    scheduler,
    lang,
    no_report,
):
    """Compare the headline presets with replicates, store every run, write a report.

    With --budget-matched, a second comparison runs every preset at one standing budget
    (budget.standing_per_10k): by default the mean of the presets' own standing costs in the first."""
    from ...model import ScenarioError, load_scenario
    from ...model.scenario import parse_override
    from ..design import DesignError, build_design
    from ..matched import BUDGET_LEVER, matched_budget, matched_design, own_budgets

    try:
        fixed = dict(parse_override(o) for o in overrides)
        scenarios = [n.strip() for n in names.split(",") if n.strip()]
        if fixed and scenarios:
            load_scenario(scenarios[0], fixed)  # a bad --set is named as such
        if (matched or budget) and BUDGET_LEVER in fixed:
            raise DesignError(f"--set {BUDGET_LEVER}: the budget-matched comparison sets it; give --budget instead")
        if matched and shard and not budget:
            raise DesignError(
                "--budget-matched with --shard: every shard must run the same matched comparison; give --budget"
            )
        design = build_design(
            {
                "name": name,
                "scenarios": scenarios,
                "replicates": replicates,
                "master_seed": master_seed,
                "steps": steps,
                "set": fixed,
                "series": series,
            },
            "cogov compare",
            yes=yes,
        )
        second = matched_design(design, budget, yes=yes) if budget else None  # a budget too small stops us now
    except (DesignError, ScenarioError) as e:
        fail(str(e))
        return
    if not (matched or budget):
        run_batch(design, "compare", db, workers, engine_name, scheduler, lang, no_report, shard=shard)
        return
    store = run_batch(design, "compare", db, workers, engine_name, scheduler, lang, no_report=True, shard=shard)
    try:
        second = second or matched_design(design, matched_budget(own_budgets(store, design.name)), yes=yes)
    except DesignError as e:
        fail(str(e))
        return
    err.print(
        f"{second.name}: every preset at ¥{second.set[BUDGET_LEVER]:,.0f} per 10k residents a year", highlight=False
    )
    run_batch(second, "compare", db, workers, engine_name, scheduler, lang, no_report=True, shard=shard)
    if not (no_report or shard):
        report_experiment(store, second.name, lang)
        report_experiment(store, design.name, lang)


@click.command()
@click.argument("design_ref", metavar="DESIGN")
@click.option("--replicates", type=click.IntRange(1, 10_000), default=None, help="Override the design's replicates.")
@click.option("--yes", is_flag=True, help="Run a design of more than 100,000 runs.")
@click.option(
    "--series",
    type=click.Choice(["daily", "weekly", "none"]),
    default=None,
    help="Daily series to store, if not the design's own `series` [default: daily].",
)
@shard_option
@engine_options
def sweep(design_ref, replicates, yes, series, shard, db, workers, engine_name, scheduler, lang, no_report):
    """Run an experiment design (a file, or a name in experiments/designs/)."""
    from ..design import DesignError, load_design

    try:
        design = load_design(design_ref, replicates, yes)
        if series is not None:
            design = design.model_copy(update={"series": series})
    except DesignError as e:
        fail(str(e))
        return
    run_batch(design, "sweep", db, workers, engine_name, scheduler, lang, no_report, shard=shard)


@click.command()
@click.argument("target", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False))
def merge(target, sources):
    """Merge results stores (SOURCES: shards of one design, or batches run elsewhere) into TARGET.

    Each run keeps one row; a run finished in two stores must have the same metrics, and experiments
    of one name must share design and code version. Merging a store again changes nothing."""
    from ..merge import merge_stores

    for s in merge_stores(target, list(sources)):
        err.print(
            f"{s.source} ({', '.join(s.experiments) or 'no experiment'}): {s.copied:,} run"
            f"{'' if s.copied == 1 else 's'} merged, {s.kept:,} already in {target}",
            highlight=False,
        )


@click.command()
@click.argument("experiment")
@click.option("--db", type=click.Path(dir_okay=False, exists=True), default=str(DEFAULT_DB), show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def report(experiment, db, lang):
    """Write the HTML and Markdown report of a stored EXPERIMENT into results/EXPERIMENT/."""
    from ..store import open_db

    try:
        report_experiment(open_db(db, write=False), experiment, lang)
    except KeyError as e:
        fail(str(e.args[0]))
    except ValueError as e:
        fail(str(e))


@click.command()
@click.argument("experiment")
@click.option("--db", type=click.Path(dir_okay=False, exists=True), default=str(DEFAULT_DB), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "both"]), default="both", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Folder (default results/EXPERIMENT/).")
def export(experiment, db, fmt, out):
    """Write an experiment's runs (with metrics) and time series as CSV and/or Parquet."""
    from ..design import check_name
    from ..export import export_experiment
    from ..store import open_db

    out = out or RESULTS / check_name(experiment, "EXPERIMENT")
    try:
        paths = export_experiment(open_db(db, write=False), experiment, out, fmt)
    except KeyError as e:
        fail(str(e.args[0]))
        return
    except OSError as e:
        fail(f"{out}: cannot write the export there ({e.strerror or e}); give another --out")
        return
    for p in paths:
        click.echo(str(p))
