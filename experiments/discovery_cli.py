"""The `cogov discover` command; the analysis is in `experiments.discovery`."""

from __future__ import annotations

from pathlib import Path

import click

from model.scenario import ScenarioError, load_scenario, parse_override

from .cli_common import analysis_options, command_line, engine_options, err, fail, open_engine, store_runs
from .design import check_name
from .discovery import POLICY, VERSUS, Discovery, print_summary, resolve_uncertain, write_outputs
from .store import PROJECT_ROOT, open_db


@click.command()
@click.option("--policy", default=POLICY, show_default=True, help="The arrangement whose advantage is questioned.")
@click.option("--versus", default=VERSUS, show_default=True, help="The arrangement it is compared with.")
@click.option("--uncertain", "uncertain", multiple=True, metavar="LEVER[=LOW:HIGH]",
              help="Add a lever to the sampled assumptions, or change a default one's range (repeatable; "
                   "commas allowed). Without a range, the range its source states.")
@click.option("--only", is_flag=True, help="Sample only the --uncertain levers, not the default set.")
@click.option("-n", "--n", "n", type=click.IntRange(2, 100_000), default=200, show_default=True,
              help="Scenarios (Latin hypercube samples).")
@analysis_options(2, "Replicates per scenario and arrangement; the analysis uses their mean.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=0.8, show_default=True,
              help="PRIM density threshold: the share of cases of interest a box must reach.")
@click.option("--peel-alpha", type=click.FloatRange(0.01, 0.5), default=0.05, show_default=True,
              help="PRIM peeling share per step.")
@click.option("--mass-min", type=click.FloatRange(0.01, 0.5), default=0.05, show_default=True,
              help="Smallest PRIM box (and CART leaf), as a share of the scenarios.")
@click.option("--name", default=None, help="Experiment name [default: discover_<policy>_vs_<versus>].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for discovery.md, scenarios.csv and the figures [default: results/EXPERIMENT/].")
@engine_options
def discover(policy, versus, uncertain, only, n, replicates, steps, master_seed, overrides, threshold, peel_alpha,
             mass_min, name, out_dir, db, workers, engine_name, scheduler, lang, no_report):
    """Scenario discovery: where the assumptions make POLICY not beat VERSUS (PRIM, with CART as a check).

    Samples the shared assumptions with a Latin hypercube, runs every scenario on both arrangements
    (same values, same seeds) through the batch engine into the store — resumable — and looks for
    the region where POLICY − VERSUS ≤ 0 on resolution_rate or on satisfaction_mean."""
    name = name or f"discover_{Path(policy).stem}_vs_{Path(versus).stem}"
    check_name(name, "--name")
    try:
        fixed = dict(parse_override(o) for o in overrides)
        load_scenario(policy, fixed)
        load_scenario(versus, fixed)
        if policy == versus:
            raise ScenarioError(f"--versus {versus!r}: the same arrangement as --policy; allowed: another preset or file")
        specs = [s.strip() for u in uncertain for s in u.split(",") if s.strip()]
        factors, notes = resolve_uncertain(specs, policy, versus, fixed, only=only)
        disc = Discovery(name, policy, versus, factors, n, replicates, steps, master_seed, fixed, notes)
        design = disc.design()
        for _, scenario, ov in design.points[:2]:  # both arrangements accept the sampled values
            load_scenario(scenario, ov)
    except ScenarioError as e:
        fail(str(e))
        return
    store = open_db(db)
    engine = open_engine(engine_name, workers, scheduler)
    err.print(f"{name}: {len(factors)} uncertain levers, {n} scenarios × 2 arrangements × {replicates} "
              f"replicate{'s' if replicates > 1 else ''} = {len(design.specs())} runs", highlight=False)
    summary = store_runs(store, design, engine, "discovery")
    err.print(f"{name}: {summary.ran} runs in {summary.seconds:.1f} s ({summary.skipped} already stored, "
              f"{summary.failed} failed) → {db}", highlight=False)
    out_dir = Path(out_dir) if out_dir else PROJECT_ROOT / "results" / name
    table, results, md = write_outputs(store, disc, out_dir, command_line(), db, threshold=threshold,
                                       peel_alpha=peel_alpha, mass_min=mass_min, draw=not no_report)
    print_summary(disc, table, results, threshold)
    for note in disc.notes:
        err.print(f"note: {note}", highlight=False)
    err.print(f"scenario table: {out_dir / 'scenarios.csv'}; report: {md}", highlight=False)

