"""The `cogov calibrate` command; the fitting is in `experiments.calibrate`."""

from __future__ import annotations

from pathlib import Path

import click

from model import load_scenario
from model.scenario import ScenarioError, parse_override

from .calibrate import DEFAULT_TARGETS, Calibration, TargetsError, fmt, load_targets, parse_fit, run_study, write_outputs
from .cli_common import analysis_options, command_line, engine_options, err, fail, interruptible, open_engine
from .design import check_name
from .store import PROJECT_ROOT, done_keys, open_db


@click.command()
@click.argument("targets_path", metavar="[TARGETS]", required=False, default=str(DEFAULT_TARGETS))
@click.option("--preset", default=None, help="The preset to calibrate (needed when the file has targets for several).")
@click.option("--fit", "fit_specs", default="", metavar="LEVER[=LOW:HIGH],…",
              help="Comma-separated levers to fit [default: the file's [fit.PRESET] table].")
@click.option("--trials", type=click.IntRange(1, 100_000), default=30, show_default=True)
@analysis_options(5, "Replicates per trial.")
@click.option("--name", default=None, help="Experiment name [default: calibrate_<preset>].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the calibrated scenario and fit report [default: results/EXPERIMENT/].")
@engine_options
def calibrate(targets_path, preset, fit_specs, trials, replicates, steps, master_seed, overrides, name, out_dir,
              db, workers, engine_name, scheduler, lang, no_report):
    """Fit levers of a preset to the targets in TARGETS (TOML) with optuna; resumable from the store."""
    try:
        tf = load_targets(targets_path)
        covered = sorted({t.preset for t in tf.targets})
        if preset is None:
            if len(covered) > 1:
                raise TargetsError(f"{targets_path}: targets for several presets ({', '.join(covered)}); choose one with --preset")
            preset = covered[0]
        targets = [t for t in tf.targets if t.preset == preset]
        if not targets:
            raise TargetsError(f"--preset {preset!r}: {targets_path} has no target for it; presets with targets: "
                               f"{', '.join(covered)}")
        specs = [s for s in fit_specs.split(",") if s.strip()]
        defaults = tf.fit.get(preset, {})
        ranges = parse_fit(specs, defaults) if specs else dict(defaults)
        if not ranges:
            raise TargetsError(f"no levers to fit for {preset}: give --fit, or a [fit.{preset}] table in {targets_path}")
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
    err.print(f"{name}: {preset}, {len(targets)} target(s), fitting {', '.join(ranges)}; "
              f"{trials} trials × {replicates} replicates", highlight=False)

    def progress(i, n, loss, ran, best):
        err.print(f"  trial {i + 1}/{n}: loss {fmt(loss)} (best {fmt(best)})"
                  + (" — from the store" if ran == 0 else f" — {ran} runs"), highlight=False)

    with interruptible(lambda: f"{len(done_keys(store, name))} runs are"):
        try:
            df = run_study(store, cal, trials, engine, command, progress)
        except ValueError as e:
            fail(str(e))
            return
        finally:
            engine.close()
    out = write_outputs(store, cal, df, Path(out_dir) if out_dir else PROJECT_ROOT / "results" / name, command)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{name}: best loss {fmt(out['best_loss'])}", header_style="bold")
    for c in ("target", "metric", "target value", "tolerance", "observed mean [95% CI]", "met"):
        table.add_column(c)
    for r in out["fit"]:
        table.add_row(r["target"], r["metric"], fmt(r["value"]), fmt(r["tolerance"]),
                      f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]", "yes" if r["met"] else "no")
    Console().print(table)
    Console().print("levers: " + ", ".join(f"{k} = {fmt(v)}" for k, v in out["best"].items()), highlight=False)
    err.print(f"{df.attrs['ran']} new runs; calibrated scenario {out['toml']}; report {out['report']}", highlight=False)

