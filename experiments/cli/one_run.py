"""The commands about one run and what it can be run with: `run`, `scenarios`, `levers`, `ui`."""

from __future__ import annotations

import json
import sys

import click

from ...model import DEFAULT_STEPS
from ...model.outputs import OUTPUTS
from ..paths import DEFAULT_DB
from .common import err, fail, fmt_value

PROGRESS_MIN_WORK = 20_000_000  # resident-days from which a run shows a progress bar


@click.command()
@click.argument("scenario")
@click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=0,
    show_default=True,
    help="Random seed; fixes the run exactly.",
)
@click.option(
    "--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True, help="Days to simulate."
)
@click.option("--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Override a lever (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the final metrics as one JSON object.")
@click.option("--events", is_flag=True, help="Keep the per-dispute event log (stored in the database).")
@click.option(
    "--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True, help="Results database."
)
@click.option("--no-store", is_flag=True, help="Do not record the run in the database.")
@click.option(
    "--threads",
    type=click.IntRange(1, 1024),
    help="Cores for the residents' daily arithmetic in large streets [default: all]; results are the same.",
)
def run(scenario, seed, steps, overrides, as_json, events, db, no_store, threads):
    """Run one simulation of SCENARIO (a preset name or a path to a .toml file)."""
    from ...model import ScenarioError, load_scenario, simulate
    from ...model.threads import available_cores
    from ..runs import RunSpec, run_row
    from ..store import SINGLE, clean, code_version, ensure_indexes, open_db, record_run, run_id

    try:
        sc = load_scenario(scenario, list(overrides))
        store = None if no_store else open_db(db)  # an unusable store stops us before any work
        on_step, bar = None, None
        if not as_json and sc.params.population.residents * steps >= PROGRESS_MIN_WORK and err.is_terminal:
            from tqdm import tqdm

            bar = tqdm(total=steps, desc=sc.name, unit="day", file=sys.stderr)
            on_step = lambda _day: bar.update(1)  # noqa: E731
        result = simulate(
            sc.params, seed=seed, steps=steps, events=events, on_step=on_step, threads=threads or available_cores()
        )
        if bar is not None:
            bar.close()
    except ScenarioError as e:
        fail(str(e))
        return
    rid = None
    if not no_store:
        spec = RunSpec(
            experiment=SINGLE,
            point=sc.name,
            scenario=sc.name,
            overrides=tuple(sorted(sc.overrides.items())),
            replicate=0,
            seed=seed,
            steps=steps,
            events=events,
        )
        rid = record_run(
            store,
            run_row(spec, sc.resolved(), result.seconds, code_version(), run_id=run_id(SINGLE)),
            result.metrics,
            result.timeseries,
            result.events,
        )
        ensure_indexes(store)
    if as_json:
        out = {"scenario": sc.name, "seed": seed, "steps": steps, **{k: clean(v) for k, v in result.metrics.items()}}
        click.echo(json.dumps(out, ensure_ascii=False, allow_nan=False))
        return
    _print_summary(sc, result, rid, db)


def _print_summary(sc, result, run_id, db) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    out = Console()
    m = result.metrics
    out.print(f"[bold]{escape(sc.name)}[/] — {escape(sc.zh or '')} / {escape(sc.en or '')}", highlight=False)
    out.print(
        f"seed {result.seed}, {result.steps} days, {sc.params.population.residents:,} residents, "
        f"{result.seconds:.2f} s",
        highlight=False,
    )
    sections: dict[str, list[str]] = {}
    for name, o in OUTPUTS.items():
        if o.group not in ("detail", "equity"):
            sections.setdefault(o.group, []).append(name)
    table = Table(show_header=True, header_style="bold")
    table.add_column("group")
    table.add_column("metric (↑/↓: higher/lower is better)")
    table.add_column("value", justify="right")
    for group, keys in sections.items():
        for i, k in enumerate(keys):
            arrow = {"higher": " ↑", "lower": " ↓"}.get(OUTPUTS[k].better or "", "")
            table.add_row(group if i == 0 else "", k + arrow, fmt_value(m.get(k)))
    out.print(table)
    if run_id is not None:
        out.print(f"recorded as run {run_id} in {db}", highlight=False, markup=False)


@click.command()
def scenarios():
    """List the preset scenarios."""
    from rich.console import Console
    from rich.table import Table

    from ...model import load_scenario, presets

    table = Table(show_header=True, header_style="bold")
    for col in ("preset", "中文", "English"):
        table.add_column(col)
    for name in presets():
        sc = load_scenario(name)
        table.add_row(name, sc.zh, sc.en)
    Console(width=max(Console().width, 120)).print(table)  # a pipe's 80 columns would wrap every row


@click.command()
@click.option("--markdown", is_flag=True, help="Print a Markdown table (for the docs).")
def levers(markdown):
    """List every lever with unit, range, default and source."""
    from rich.console import Console
    from rich.table import Table

    from ...model.levers import lever_table
    from ..docs_gen import plausible_text

    rows = lever_table()
    if markdown:
        from ..docs_gen import levers_markdown

        click.echo(levers_markdown(rows))
        return
    table = Table(show_header=True, header_style="bold", show_lines=False)
    for col in ("lever", "unit", "allowed", "default", "plausible", "source"):
        table.add_column(col, overflow="fold")
    for lv in rows:
        table.add_row(lv.name, lv.unit, lv.allowed, str(lv.default), plausible_text(lv), lv.source)
    Console(width=max(Console().width, 160)).print(table)


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told otherwise)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free port).")
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language the page opens in."
)
def ui(host, port, lang):
    """Start the classroom web app in the browser (Solara): a run to watch at /, a participatory
    classroom at /class (the teacher, with the key printed here) and /join (students)."""
    import os
    import secrets

    if port == 0:
        port = _free_port(host)
    key = os.environ.get("COGOV_TEACHER_KEY") or secrets.token_urlsafe(9)
    public = os.environ.get("COGOV_PUBLIC_URL") or f"http://{_reachable_address(host)}:{port}"
    os.environ.update(
        COGOV_LANG=lang,
        COGOV_TEACHER_KEY=key,
        COGOV_PUBLIC_URL=public,
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",  # a classroom page phones nobody
    )
    click.echo(
        f"cogov ui: {public}/\n  classroom, teacher: {public}/class?key={key}\n  classroom, students: {public}/join"
    )
    os.execv(
        sys.executable,
        [
            sys.executable,
            "-m",
            "solara",
            "run",
            "cogov.app.site",
            "--host",
            host,
            "--port",
            str(port),
            "--production",
            "--no-open",
            "--no-check-version",
            "--log-level",
            "warning",
        ],
    )


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _reachable_address(host: str) -> str:
    """The address other machines reach this one at: `host`, or for a wildcard the address of
    the interface that routes outwards (found without sending a packet)."""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        return f"[{host}]" if ":" in host else host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"
