"""The `cogov` command line: a thin layer over `model` and `experiments`."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from model import ScenarioError, load_scenario, presets, simulate
from model.levers import lever_table
from model.run import DEFAULT_STEPS

from .calibrate_cli import calibrate
from .cli_common import CommandGroup, engine_options, err, fail, fmt_value, report_experiment, run_batch
from .discovery_cli import discover
from .runs import RunSpec, run_row
from .sensitivity_cli import sensitivity
from .store import DEFAULT_DB, PROJECT_ROOT, SINGLE, clean, code_version, ensure_indexes, open_db, record_run, run_id
from .validate_cli import validate

PROGRESS_MIN_WORK = 20_000_000  # resident-days from which a run shows a progress bar


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """cogov — an agent-based model of community governance (基层社会治理)."""


@main.command()
@click.argument("scenario")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Random seed; fixes the run exactly.")
@click.option("--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True, help="Days to simulate.")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Override a lever (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the final metrics as one JSON object.")
@click.option("--events", is_flag=True, help="Keep the per-dispute event log (stored in the database).")
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True, help="Results database.")
@click.option("--no-store", is_flag=True, help="Do not record the run in the database.")
def run(scenario, seed, steps, overrides, as_json, events, db, no_store):
    """Run one simulation of SCENARIO (a preset name or a path to a .toml file)."""
    try:
        sc = load_scenario(scenario, list(overrides))
        store = None if no_store else open_db(db)  # an unusable store stops us before any work
        on_step, bar = None, None
        if not as_json and sc.params.population.residents * steps >= PROGRESS_MIN_WORK and err.is_terminal:
            from tqdm import tqdm

            bar = tqdm(total=steps, desc=sc.name, unit="day", file=sys.stderr)
            on_step = lambda _day: bar.update(1)  # noqa: E731
        result = simulate(sc.params, seed=seed, steps=steps, events=events, on_step=on_step)
        if bar is not None:
            bar.close()
    except ScenarioError as e:
        fail(str(e))
        return
    rid = None
    if not no_store:
        spec = RunSpec(experiment=SINGLE, point=sc.name, scenario=sc.name, overrides=tuple(sorted(sc.overrides.items())),
                       replicate=0, seed=seed, steps=steps, events=events)
        rid = record_run(store, run_row(spec, sc.resolved(), result.seconds, code_version(), run_id=run_id(SINGLE)),
                         result.metrics, result.timeseries, result.events)
        ensure_indexes(store)
    if as_json:
        out = {"scenario": sc.name, "seed": seed, "steps": steps, **{k: clean(v) for k, v in result.metrics.items()}}
        click.echo(json.dumps(out, ensure_ascii=False, allow_nan=False))
        return
    _print_summary(sc, result, rid, db)


def _print_summary(sc, result, run_id, db) -> None:
    out = Console()
    m = result.metrics
    out.print(f"[bold]{escape(sc.name)}[/] — {escape(sc.zh or '')} / {escape(sc.en or '')}", highlight=False)
    out.print(f"seed {result.seed}, {result.steps} days, {sc.params.population.residents:,} residents, "
              f"{result.seconds:.2f} s", highlight=False)
    sections = {
        "disputes": ["disputes_total", "resolution_rate", "reported_resolution_rate", "grassroots_resolution_share",
                     "median_days_to_resolve", "discovery_lag_days", "transfers_per_case", "superficial_closures",
                     "litigation_share"],
        "escalation": ["petitions_per_10k", "leapfrog_petitions_per_10k", "group_incidents"],
        "residents": ["satisfaction_mean", "migrant_local_gap", "trust_mean", "participation_rate", "volunteers",
                      "public_spirit_mean"],
        "capacity and cost": ["worker_utilization", "office_backlog", "cost_total", "cost_per_resolved"],
    }
    table = Table(show_header=True, header_style="bold")
    table.add_column("group")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for group, keys in sections.items():
        for i, k in enumerate(keys):
            table.add_row(group if i == 0 else "", k, fmt_value(m.get(k)))
    out.print(table)
    if run_id is not None:
        out.print(f"recorded as run {run_id} in {db}", highlight=False, markup=False)


HEADLINE = ["administrative_only", "co_governance", "purchase_services", "grid_management", "legal_grid",
            "grand_mediation", "hotline", "campaign"]


@main.command()
@click.option("--replicates", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--seed", "master_seed", type=click.IntRange(0, 2**63 - 1), default=2026, show_default=True, help="Master seed.")
@click.option("--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True)
@click.option("--scenarios", "names", default=",".join(HEADLINE), show_default=True, help="Comma-separated presets; the first is the baseline.")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Override a lever in every scenario.")
@click.option("--name", default="compare", show_default=True, help="Experiment name.")
@click.option("--budget-matched", "matched", is_flag=True,
              help="Then compare again at one standing budget for all (experiment NAME_matched).")
@click.option("--budget", type=click.FloatRange(1.0, 1e9), default=None, metavar="YUAN",
              help="The matched budget in ¥ per 10k residents a year (default: the mean of the presets' own).")
@click.option("--yes", is_flag=True, help="Run a design of more than 100,000 runs.")
@engine_options
def compare(replicates, master_seed, steps, names, overrides, name, matched, budget, yes, db, workers, engine_name,
            scheduler, lang, no_report):
    """Compare the headline presets with replicates, store every run, write a report.

    With --budget-matched, a second comparison runs every preset at one standing budget
    (budget.standing_per_10k): by default the mean of the presets' own standing costs in the first."""
    from model.scenario import parse_override

    from .design import DesignError, build_design
    from .matched import BUDGET_LEVER, matched_budget, matched_design, own_budgets

    try:
        fixed = dict(parse_override(o) for o in overrides)
        scenarios = [n.strip() for n in names.split(",") if n.strip()]
        if fixed and scenarios:
            load_scenario(scenarios[0], fixed)  # a bad --set is named as such
        if (matched or budget) and BUDGET_LEVER in fixed:
            raise DesignError(f"--set {BUDGET_LEVER}: the budget-matched comparison sets it; give --budget instead")
        design = build_design({"name": name, "scenarios": scenarios,
                               "replicates": replicates, "master_seed": master_seed, "steps": steps, "set": fixed},
                              "cogov compare", yes=yes)
        second = matched_design(design, budget, yes=yes) if budget else None  # a budget too small stops us now
    except (DesignError, ScenarioError) as e:
        fail(str(e))
        return
    if not (matched or budget):
        run_batch(design, "compare", db, workers, engine_name, scheduler, lang, no_report)
        return
    store = run_batch(design, "compare", db, workers, engine_name, scheduler, lang, no_report=True)
    try:
        second = second or matched_design(design, matched_budget(own_budgets(store, design.name)), yes=yes)
    except DesignError as e:
        fail(str(e))
        return
    err.print(f"{second.name}: every preset at ¥{second.set[BUDGET_LEVER]:,.0f} per 10k residents a year", highlight=False)
    run_batch(second, "compare", db, workers, engine_name, scheduler, lang, no_report=True)
    if not no_report:
        report_experiment(store, second.name, lang)
        report_experiment(store, design.name, lang)


@main.command()
@click.argument("design_ref", metavar="DESIGN")
@click.option("--replicates", type=click.IntRange(1, 10_000), default=None, help="Override the design's replicates.")
@click.option("--yes", is_flag=True, help="Run a design of more than 100,000 runs.")
@engine_options
def sweep(design_ref, replicates, yes, db, workers, engine_name, scheduler, lang, no_report):
    """Run an experiment design (a file, or a name in experiments/designs/)."""
    from .design import DesignError, load_design

    try:
        design = load_design(design_ref, replicates, yes)
    except DesignError as e:
        fail(str(e))
        return
    run_batch(design, "sweep", db, workers, engine_name, scheduler, lang, no_report)


@main.command()
@click.argument("experiment")
@click.option("--db", type=click.Path(dir_okay=False, exists=True), default=str(DEFAULT_DB), show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def report(experiment, db, lang):
    """Write the HTML and Markdown report of a stored EXPERIMENT into results/EXPERIMENT/."""
    try:
        report_experiment(open_db(db, write=False), experiment, lang)
    except KeyError as e:
        fail(str(e.args[0]))
    except ValueError as e:
        fail(str(e))


@main.command()
@click.argument("experiment")
@click.option("--db", type=click.Path(dir_okay=False, exists=True), default=str(DEFAULT_DB), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "both"]), default="both", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Folder (default results/EXPERIMENT/).")
def export(experiment, db, fmt, out):
    """Write an experiment's runs (with metrics) and time series as CSV and/or Parquet."""
    from .design import check_name
    from .export import export_experiment

    out = out or PROJECT_ROOT / "results" / check_name(experiment, "EXPERIMENT")
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


@main.command()
def scenarios():
    """List the preset scenarios."""
    table = Table(show_header=True, header_style="bold")
    for col in ("preset", "中文", "English"):
        table.add_column(col)
    for name in presets():
        sc = load_scenario(name)
        table.add_row(name, sc.zh, sc.en)
    Console().print(table)


@main.command()
@click.option("--markdown", is_flag=True, help="Print a Markdown table (for the docs).")
def levers(markdown):
    """List every lever with unit, range, default and source."""
    rows = lever_table()
    if markdown:
        click.echo(levers_markdown(rows))
        return
    table = Table(show_header=True, header_style="bold", show_lines=False)
    for col in ("lever", "unit", "allowed", "default", "source"):
        table.add_column(col, overflow="fold")
    for lv in rows:
        table.add_row(lv.name, lv.unit, lv.allowed, str(lv.default), lv.source)
    Console(width=max(Console().width, 160)).print(table)


def levers_markdown(rows) -> str:
    lines = ["| lever | 中文 | meaning | unit | allowed | default | source |", "|---|---|---|---|---|---|---|"]
    for lv in rows:
        cells = (lv.name, lv.zh, lv.en, lv.unit, lv.allowed, json.dumps(lv.default, ensure_ascii=False), lv.source)
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)




@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told otherwise).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free port).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language the page opens in.")
def ui(host, port, lang):
    """Start the classroom web app in the browser (Solara)."""
    import os

    os.environ["COGOV_LANG"] = lang
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # a classroom page phones nobody
    os.execv(sys.executable, [sys.executable, "-m", "solara", "run", "app.page", "--host", host, "--port", str(port),
                              "--production", "--no-open", "--no-check-version", "--log-level", "warning"])


for command in (validate, sensitivity, calibrate, discover):
    main.add_command(command)

