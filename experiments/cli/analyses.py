"""The analysis commands: `validate` (pattern-oriented validation against the seeds' stylised
facts), `sensitivity` (Morris, Sobol), `calibrate` (optuna) and `discover` (scenario discovery,
PRIM and CART). Each runs its design through the store (resumable) and leaves the analysis to its
own module."""

from __future__ import annotations

from pathlib import Path

import click

from ...model import DEFAULT_STEPS
from ...model.outputs import KEY_METRICS, metric_names
from ..paths import DEFAULT_TARGETS, RESULTS
from .common import (
    analysis_options,
    command_line,
    engine_options,
    err,
    fail,
    interruptible,
    open_engine,
    report_experiment,
    run_batch,
)

PATTERN_REPLICATES = 10  # assumption: enough for the direction of the differences at 5,000 residents
SENSITIVITY_METHODS = ("morris", "sobol")
POLICY, VERSUS = "co_governance", "administrative_only"  # the comparison scenario discovery questions


@click.command()
@click.option("--replicates", type=click.IntRange(1, 10_000), default=PATTERN_REPLICATES, show_default=True)
@click.option(
    "--seed", "master_seed", type=click.IntRange(0, 2**63 - 1), default=2026, show_default=True, help="Master seed."
)
@click.option("--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True)
@click.option("--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Override a lever in every run.")
@click.option("--facts", default=None, metavar="ID,…", help="Check only these facts (default: all).")
@click.option("--name", default="validate", show_default=True, help="Experiment name (ladders go to NAME.<ladder>).")
@click.option("--markdown", is_flag=True, help="Print the table as Markdown (for docs/validation.md).")
@engine_options
def validate(
    replicates,
    master_seed,
    steps,
    overrides,
    facts,
    name,
    markdown,
    db,
    workers,
    engine_name,
    scheduler,
    lang,
    no_report,
):
    """Check stylised facts from the seeds against the model (pattern-oriented validation).

    Runs the presets and lever ladders the facts need (stored and resumable, like `compare`),
    prints each fact with its source, expected pattern, observed values and pass or fail, and
    writes the report of experiment NAME. A failing fact is a finding, not an error: the exit
    code is 0 (2 on bad input)."""
    from rich.console import Console
    from rich.table import Table

    from ...model.scenario import ScenarioError, parse_override
    from ..design import DesignError
    from ..patterns import Data, designs, evaluate_all, experiments_of, markdown_table, rows, select
    from ..store import open_db

    try:
        chosen = select(facts)
        fixed = dict(parse_override(o) for o in overrides)
        plan = designs(name, chosen, replicates, master_seed, steps, fixed)
    except (ValueError, DesignError, ScenarioError) as e:
        fail(str(e))
        return
    for design, kind in plan:
        run_batch(design, kind, db, workers, engine_name, scheduler, lang, no_report=True)
    store = open_db(db)
    results = evaluate_all(Data.load(store, experiments_of(name)), chosen)
    if markdown:
        click.echo(markdown_table(results, lang))
    else:
        table = Table(show_header=True, header_style="bold", show_lines=True)
        for col in (
            "id",
            "pattern 规律",
            "source 来源",
            "expected 预期",
            "observed 观测 (mean [95% CI])",
            "result 结果",
        ):
            table.add_column(col, overflow="fold")
        for row in rows(results, lang, both=True):
            style = {"pass": "green", "fail": "bold red"}.get(row[-1].split(" / ")[-1].lower(), "yellow")
            table.add_row(*row[:-1], f"[{style}]{row[-1]}[/]")
        Console(width=max(Console().width, 180)).print(table)
    passed = sum(r.status == "pass" for r in results)
    err.print(
        f"{passed} of {len(results)} facts pass; " + ", ".join(f"{r.fact.id}: {r.status}" for r in results),
        highlight=False,
    )
    if not no_report and any(d.name == name for d, _ in plan):
        report_experiment(store, name, lang)


@click.command()
@click.argument("preset")
@click.option(
    "--method",
    type=click.Choice(SENSITIVITY_METHODS),
    default="morris",
    show_default=True,
    help="Morris screening (elementary effects) or Sobol indices (Saltelli sampling).",
)
@click.option(
    "--levers",
    "lever_specs",
    default="",
    metavar="LEVER[=LOW:HIGH],…",
    help="Comma-separated levers to vary [default: every lever marked assumption, over its plausible range (`cogov levers`)].",
)
@click.option("--outputs", default=",".join(KEY_METRICS), show_default=True, help="Comma-separated metrics to analyse.")
@click.option(
    "--contrast",
    default=None,
    metavar="PRESET",
    help="Also run every sample on this preset and analyse the difference PRESET − CONTRAST.",
)
@click.option(
    "-N",
    "n",
    type=click.IntRange(2, 100_000),
    default=10,
    show_default=True,
    help="Morris trajectories, or Sobol base samples (a power of 2 is best).",
)
@analysis_options(3, "Replicates per sample row; the analysis uses their mean.")
@click.option("--name", default=None, help="Experiment name [default: sensitivity_<method>_<preset>].")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the tables and plots [default: results/EXPERIMENT/].",
)
@click.option("--top", type=click.IntRange(1, 10_000), default=15, show_default=True, help="Rows printed per output.")
@engine_options
def sensitivity(
    preset,
    method,
    lever_specs,
    outputs,
    contrast,
    n,
    replicates,
    steps,
    master_seed,
    overrides,
    name,
    out_dir,
    top,
    db,
    workers,
    engine_name,
    scheduler,
    lang,
    no_report,
):
    """Morris or Sobol sensitivity of PRESET's outputs to its assumptions (resumable; indices from the store)."""
    from ...model.scenario import ScenarioError, load_scenario, parse_override
    from ..design import check_name
    from ..sensitivity import Plan, print_table, resolve_factors, write_outputs

    name = name or f"sensitivity_{method}_{Path(preset).stem}" + (f"_vs_{Path(contrast).stem}" if contrast else "")
    check_name(name, "--name")
    try:
        fixed = dict(parse_override(o) for o in overrides)
        load_scenario(preset, fixed)
        if contrast:
            load_scenario(contrast, fixed)
        specs = [s for s in lever_specs.split(",") if s.strip()]
        factors, notes = resolve_factors(specs, preset, contrast, fixed)
        outs = [o.strip() for o in outputs.split(",") if o.strip()]
        unknown = [o for o in outs if o not in metric_names()]
        if unknown or not outs:
            raise ScenarioError(
                f"--outputs {outputs!r}: {', '.join(map(repr, unknown)) or 'nothing'} is not a metric; "
                f"allowed: {', '.join(sorted(metric_names()))}"
            )
        plan = Plan(name, method, preset, contrast, factors, n, replicates, steps, master_seed, fixed, notes)
        design = plan.design()
        # every point must be a valid scenario before anything runs
        for _, scenario, ov in design.points[: 2 if contrast else 1]:
            load_scenario(scenario, ov)
    except ScenarioError as e:
        fail(str(e))
        return
    store = run_batch(
        design,
        "sensitivity",
        db,
        workers,
        engine_name,
        scheduler,
        lang,
        no_report=True,
        plan=f"{name}: {method}, {len(factors)} levers, {len(plan.labels())} sample rows"
        + (" × 2 presets" if contrast else "")
        + f" × {replicates} replicates = {len(design.specs())} runs",
    )
    out_dir = Path(out_dir) if out_dir else RESULTS / name
    try:
        table, md = write_outputs(store, plan, outs, out_dir, command_line(), db, draw=not no_report)
    except ScenarioError as e:
        fail(str(e))
        return
    print_table(plan, table, top)
    for note in plan.notes + table.attrs.get("notes", []):
        err.print(f"note: {note}", highlight=False)
    err.print(f"indices: {out_dir / 'sensitivity.csv'}; report: {md} and {md.with_suffix('.html')}", highlight=False)


@click.command()
@click.argument("targets_path", metavar="[TARGETS]", required=False, default=str(DEFAULT_TARGETS))
@click.option("--preset", default=None, help="The preset to calibrate (needed when the file has targets for several).")
@click.option(
    "--fit",
    "fit_specs",
    default="",
    metavar="LEVER[=LOW:HIGH],…",
    help="Comma-separated levers to fit [default: the file's [fit.PRESET] table].",
)
@click.option("--trials", type=click.IntRange(1, 100_000), default=30, show_default=True)
@analysis_options(5, "Replicates per trial.")
@click.option("--name", default=None, help="Experiment name [default: calibrate_<preset>].")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the calibrated scenario and fit report [default: results/EXPERIMENT/].",
)
@engine_options
def calibrate(
    targets_path,
    preset,
    fit_specs,
    trials,
    replicates,
    steps,
    master_seed,
    overrides,
    name,
    out_dir,
    db,
    workers,
    engine_name,
    scheduler,
    lang,
    no_report,
):
    """Fit levers of a preset to the targets in TARGETS (TOML) with optuna; resumable from the store."""
    from ...model.scenario import ScenarioError, load_scenario, parse_override
    from ..calibrate import Calibration, TargetsError, load_targets, parse_fit, run_study, write_outputs
    from ..design import check_name
    from ..stats import fmt_sig as fmt
    from ..store import done_keys, open_db

    try:
        tf = load_targets(targets_path)
        covered = sorted({t.preset for t in tf.targets})
        if preset is None:
            if len(covered) > 1:
                raise TargetsError(
                    f"{targets_path}: targets for several presets ({', '.join(covered)}); choose one with --preset"
                )
            preset = covered[0]
        targets = [t for t in tf.targets if t.preset == preset]
        if not targets:
            raise TargetsError(
                f"--preset {preset!r}: {targets_path} has no target for it; presets with targets: {', '.join(covered)}"
            )
        specs = [s for s in fit_specs.split(",") if s.strip()]
        defaults = tf.fit.get(preset, {})
        ranges = parse_fit(specs, defaults) if specs else dict(defaults)
        if not ranges:
            raise TargetsError(
                f"no levers to fit for {preset}: give --fit, or a [fit.{preset}] table in {targets_path}"
            )
        fixed = dict(parse_override(o) for o in overrides)
        clash = sorted(set(fixed) & set(ranges))
        if clash:
            raise TargetsError(f"--set fixes a fitted lever: {', '.join(clash)}")
        for lever, (lo, hi) in ranges.items():  # both ends must be valid scenarios
            load_scenario(preset, {**fixed, lever: lo})
            load_scenario(preset, {**fixed, lever: hi})
    except (TargetsError, ScenarioError) as e:
        fail(str(e))
        return
    name = name or f"calibrate_{preset}"
    check_name(name, "--name")
    cal = Calibration(name, preset, targets, ranges, replicates, steps, master_seed, fixed, str(targets_path))
    store = open_db(db)
    engine = open_engine(engine_name, workers, scheduler)
    command = command_line()
    err.print(
        f"{name}: {preset}, {len(targets)} target(s), fitting {', '.join(ranges)}; "
        f"{trials} trials × {replicates} replicates",
        highlight=False,
    )

    def progress(i, n, loss, ran, best):
        err.print(
            f"  trial {i + 1}/{n}: loss {fmt(loss)} (best {fmt(best)})"
            + (" — from the store" if ran == 0 else f" — {ran} runs"),
            highlight=False,
        )

    with interruptible(lambda: f"{len(done_keys(store, name))} runs are"):
        try:
            df = run_study(store, cal, trials, engine, command, progress)
        except ValueError as e:
            fail(str(e))
            return
        finally:
            engine.close()
    out = write_outputs(store, cal, df, Path(out_dir) if out_dir else RESULTS / name, command)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{name}: best loss {fmt(out['best_loss'])}", header_style="bold")
    for c in ("target", "metric", "target value", "tolerance", "observed mean [95% CI]", "met"):
        table.add_column(c)
    for r in out["fit"]:
        table.add_row(
            r["target"],
            r["metric"],
            fmt(r["value"]),
            fmt(r["tolerance"]),
            f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]",
            "yes" if r["met"] else "no",
        )
    Console().print(table)
    Console().print("levers: " + ", ".join(f"{k} = {fmt(v)}" for k, v in out["best"].items()), highlight=False)
    err.print(
        f"{df.attrs['ran']} new runs; calibrated scenario {out['toml']}; report {out['report']} and {out['report'].with_suffix('.html')}",
        highlight=False,
    )


@click.command()
@click.option("--policy", default=POLICY, show_default=True, help="The arrangement whose advantage is questioned.")
@click.option("--versus", default=VERSUS, show_default=True, help="The arrangement it is compared with.")
@click.option(
    "--uncertain",
    "uncertain",
    multiple=True,
    metavar="LEVER[=LOW:HIGH]",
    help="Add a lever to the sampled assumptions, or change a default one's range (repeatable; "
    "commas allowed). Without a range, its plausible range (`cogov levers`).",
)
@click.option("--only", is_flag=True, help="Sample only the --uncertain levers, not the default set.")
@click.option(
    "-n",
    "--n",
    "n",
    type=click.IntRange(2, 100_000),
    default=200,
    show_default=True,
    help="Scenarios (Latin hypercube samples).",
)
@analysis_options(2, "Replicates per scenario and arrangement; the analysis uses their mean.")
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=0.8,
    show_default=True,
    help="PRIM density threshold: the share of cases of interest a box must reach.",
)
@click.option(
    "--peel-alpha",
    type=click.FloatRange(0.01, 0.5),
    default=0.05,
    show_default=True,
    help="PRIM peeling share per step.",
)
@click.option(
    "--mass-min",
    type=click.FloatRange(0.01, 0.5),
    default=0.05,
    show_default=True,
    help="Smallest PRIM box (and CART leaf), as a share of the scenarios.",
)
@click.option("--name", default=None, help="Experiment name [default: discover_<policy>_vs_<versus>].")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for discovery.md/.html, scenarios.csv and the figures [default: results/EXPERIMENT/].",
)
@engine_options
def discover(
    policy,
    versus,
    uncertain,
    only,
    n,
    replicates,
    steps,
    master_seed,
    overrides,
    threshold,
    peel_alpha,
    mass_min,
    name,
    out_dir,
    db,
    workers,
    engine_name,
    scheduler,
    lang,
    no_report,
):
    """Scenario discovery: where the assumptions make POLICY not beat VERSUS (PRIM, with CART as a check).

    Samples the shared assumptions with a Latin hypercube, runs every scenario on both arrangements
    (same values, same seeds) through the batch engine into the store — resumable — and looks for
    the region where POLICY − VERSUS ≤ 0 on resolution_rate or on satisfaction_mean."""
    from ...model.scenario import ScenarioError, load_scenario, parse_override
    from ..design import check_name
    from ..scenario_discovery import Discovery, print_summary, resolve_uncertain, write_outputs

    name = name or f"discover_{Path(policy).stem}_vs_{Path(versus).stem}"
    check_name(name, "--name")
    try:
        fixed = dict(parse_override(o) for o in overrides)
        load_scenario(policy, fixed)
        load_scenario(versus, fixed)
        if policy == versus:
            raise ScenarioError(
                f"--versus {versus!r}: the same arrangement as --policy; allowed: another preset or file"
            )
        specs = [s.strip() for u in uncertain for s in u.split(",") if s.strip()]
        factors, notes = resolve_uncertain(specs, policy, versus, fixed, only=only)
        disc = Discovery(name, policy, versus, factors, n, replicates, steps, master_seed, fixed, notes)
        design = disc.design()
        for _, scenario, ov in design.points[:2]:  # both arrangements accept the sampled values
            load_scenario(scenario, ov)
    except ScenarioError as e:
        fail(str(e))
        return
    store = run_batch(
        design,
        "discovery",
        db,
        workers,
        engine_name,
        scheduler,
        lang,
        no_report=True,
        plan=f"{name}: {len(factors)} uncertain levers, {n} scenarios × 2 arrangements × {replicates} "
        f"replicate{'s' if replicates > 1 else ''} = {len(design.specs())} runs",
    )
    out_dir = Path(out_dir) if out_dir else RESULTS / name
    table, results, md = write_outputs(
        store,
        disc,
        out_dir,
        command_line(),
        db,
        threshold=threshold,
        peel_alpha=peel_alpha,
        mass_min=mass_min,
        draw=not no_report,
    )
    print_summary(disc, table, results, threshold)
    for note in disc.notes:
        err.print(f"note: {note}", highlight=False)
    err.print(
        f"scenario table: {out_dir / 'scenarios.csv'}; report: {md} and {md.with_suffix('.html')}", highlight=False
    )
