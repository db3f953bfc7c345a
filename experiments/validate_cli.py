"""`cogov validate`: the command line of experiments/validate.py (registered in experiments/cli.py)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from model.run import DEFAULT_STEPS
from model.scenario import ScenarioError, parse_override

from .cli_common import engine_options, err, fail, report_experiment, run_batch
from .design import DesignError
from .store import open_db
from .validate import DEFAULT_REPLICATES, Data, designs, evaluate_all, experiments_of, markdown_table, rows, select


@click.command()
@click.option("--replicates", type=click.IntRange(1, 10_000), default=DEFAULT_REPLICATES, show_default=True)
@click.option("--seed", "master_seed", type=click.IntRange(0, 2**63 - 1), default=2026, show_default=True, help="Master seed.")
@click.option("--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True)
@click.option("--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Override a lever in every run.")
@click.option("--facts", default=None, metavar="ID,…", help="Check only these facts (default: all).")
@click.option("--name", default="validate", show_default=True, help="Experiment name (ladders go to NAME.<ladder>).")
@click.option("--markdown", is_flag=True, help="Print the table as Markdown (for docs/validation.md).")
@engine_options
def validate(replicates, master_seed, steps, overrides, facts, name, markdown, db, workers, engine_name, scheduler, lang,
             no_report):
    """Check stylised facts from the seeds against the model (pattern-oriented validation).

    Runs the presets and lever ladders the facts need (stored and resumable, like `compare`),
    prints each fact with its source, expected pattern, observed values and pass or fail, and
    writes the report of experiment NAME. A failing fact is a finding, not an error: the exit
    code is 0 (2 on bad input)."""
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
        for col in ("id", "pattern 规律", "source 来源", "expected 预期", "observed 观测 (mean [95% CI])", "result 结果"):
            table.add_column(col, overflow="fold")
        for row in rows(results, lang, both=True):
            style = {"pass": "green", "fail": "bold red"}.get(row[-1].split(" / ")[-1].lower(), "yellow")
            table.add_row(*row[:-1], f"[{style}]{row[-1]}[/]")
        Console(width=max(Console().width, 180)).print(table)
    passed = sum(r.status == "pass" for r in results)
    err.print(f"{passed} of {len(results)} facts pass; " + ", ".join(f"{r.fact.id}: {r.status}" for r in results),
              highlight=False)
    if not no_report and any(d.name == name for d, _ in plan):
        report_experiment(store, name, lang)
