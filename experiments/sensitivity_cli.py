"""The `cogov sensitivity` command; the analysis is in `experiments.sensitivity`."""

from __future__ import annotations

from pathlib import Path

import click

from model.scenario import ScenarioError, load_scenario, parse_override

from .cli_common import analysis_options, command_line, engine_options, err, fail, open_engine, store_runs
from .design import KEY_METRICS, check_name, metric_names
from .sensitivity import METHODS, Plan, print_table, resolve_factors, write_outputs
from .store import PROJECT_ROOT, open_db


@click.command()
@click.argument("preset")
@click.option("--method", type=click.Choice(METHODS), default="morris", show_default=True,
              help="Morris screening (elementary effects) or Sobol indices (Saltelli sampling).")
@click.option("--levers", "lever_specs", default="", metavar="LEVER[=LOW:HIGH],…",
              help="Comma-separated levers to vary [default: every lever marked assumption, over its stated range].")
@click.option("--outputs", default=",".join(KEY_METRICS), show_default=True, help="Comma-separated metrics to analyse.")
@click.option("--contrast", default=None, metavar="PRESET",
              help="Also run every sample on this preset and analyse the difference PRESET − CONTRAST.")
@click.option("-N", "n", type=click.IntRange(2, 100_000), default=10, show_default=True,
              help="Morris trajectories, or Sobol base samples (a power of 2 is best).")
@analysis_options(3, "Replicates per sample row; the analysis uses their mean.")
@click.option("--name", default=None, help="Experiment name [default: sensitivity_<method>_<preset>].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the tables and plots [default: results/EXPERIMENT/].")
@click.option("--top", type=click.IntRange(1, 10_000), default=15, show_default=True, help="Rows printed per output.")
@engine_options
def sensitivity(preset, method, lever_specs, outputs, contrast, n, replicates, steps, master_seed, overrides, name,
                out_dir, top, db, workers, engine_name, scheduler, lang, no_report):
    """Morris or Sobol sensitivity of PRESET's outputs to its assumptions (resumable; indices from the store)."""
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
            raise ScenarioError(f"--outputs {outputs!r}: {', '.join(map(repr, unknown)) or 'nothing'} is not a metric; "
                                f"allowed: {', '.join(sorted(metric_names()))}")
        plan = Plan(name, method, preset, contrast, factors, n, replicates, steps, master_seed, fixed, notes)
        design = plan.design()
        # every point must be a valid scenario before anything runs
        for label, scenario, ov in design.points[: 2 if contrast else 1]:
            load_scenario(scenario, ov)
    except ScenarioError as e:
        fail(str(e))
        return
    store = open_db(db)
    engine = open_engine(engine_name, workers, scheduler)
    err.print(f"{name}: {method}, {len(factors)} levers, {len(plan.labels())} sample rows"
              + (" × 2 presets" if contrast else "") + f" × {replicates} replicates = {len(design.specs())} runs",
              highlight=False)
    summary = store_runs(store, design, engine, "sensitivity")
    err.print(f"{name}: {summary.ran} runs in {summary.seconds:.1f} s ({summary.skipped} already stored, "
              f"{summary.failed} failed) → {db}", highlight=False)
    out_dir = Path(out_dir) if out_dir else PROJECT_ROOT / "results" / name
    try:
        table, md = write_outputs(store, plan, outs, out_dir, command_line(), db, draw=not no_report)
    except ScenarioError as e:
        fail(str(e))
        return
    print_table(plan, table, top)
    for note in plan.notes + table.attrs.get("notes", []):
        err.print(f"note: {note}", highlight=False)
    err.print(f"indices: {out_dir / 'sensitivity.csv'} and {md}", highlight=False)

