"""What the `cogov` commands share: the error console, the one-line failure, the command group that
turns every user error into that line, the engine options and running a design into the store
with its report. Light at import: heavy modules load inside the functions that need them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.text import Text

from ...model import DEFAULT_STEPS
from ..paths import DEFAULT_DB, RESULTS

err = Console(stderr=True, markup=False)  # user values (names, paths, lever values) print literally


def fmt_value(v) -> str:
    """A metric for people: a dash for none, three decimals for small numbers, thousands separators."""
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 1000 else f"{v:,.0f}"
    return f"{v:,}"


def fail(message: str) -> None:
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    sys.exit(2)


def user_errors() -> tuple[type[Exception], ...]:
    """The errors whose message is meant for the user as it is: bad input, an unusable store or engine."""
    from ...model.scenario import ScenarioError
    from ..calibrate import TargetsError
    from ..design import DesignError
    from ..engine import EngineError
    from ..store import StoreError

    return ScenarioError, DesignError, TargetsError, StoreError, EngineError


class CommandGroup(click.Group):
    """The `cogov` group: bad input anywhere below — an option click rejects, a file, a value, the
    store — ends with one line on stderr and exit code 2, never a traceback; so does Ctrl-C (exit 130)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx else ctx.command_path
            fail(f"{e.format_message()} (see `{where} -h`)")
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:  # a batch says what it kept (`interruptible`); anything else kept nothing
            err.print("interrupted; the command did not finish", highlight=False)
            sys.exit(130)
        except Exception as e:  # the user's error classes load only when something failed
            if isinstance(e, user_errors()):
                fail(str(e))
            raise


def engine_options(f):
    f = click.option(
        "--scheduler", default=None, metavar="tcp://HOST:PORT", help="Dask scheduler (with --engine dask)."
    )(f)
    f = click.option(
        "--engine",
        "engine_name",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="local worker processes, or Dask distributed.",
    )(f)
    f = click.option("--workers", type=click.IntRange(1, 1024), default=2, show_default=True, help="Worker processes.")(
        f
    )
    f = click.option(
        "--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True, help="Results database."
    )(f)
    f = click.option(
        "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language."
    )(f)
    f = click.option("--no-report", is_flag=True, help="Skip the report at the end.")(f)
    return f


series_option = click.option(
    "--series",
    type=click.Choice(["daily", "weekly", "none"]),
    default="daily",
    show_default=True,
    help="How much of each run's daily series the store keeps (the final metrics are always kept): every "
    "day, the last day of each week, or none (smaller stores and faster batches; no time-series figures).",
)


def _parse_shard(ctx, param, value):
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"{value!r}: give K/N with 1 ≤ K ≤ N, e.g. 3/8")
    return int(k), int(n)


shard_option = click.option(
    "--shard",
    default=None,
    metavar="K/N",
    callback=_parse_shard,
    help="Run only the K-th of N disjoint parts of the design (every N-th run from the K-th), e.g. one per "
    "machine or array job, each into a --db of its own; `cogov merge` then brings the stores together.",
)


def analysis_options(replicates: int, replicates_help: str):
    """The options every analysis command shares: replicates, days, master seed and fixed levers."""

    def decorate(f):
        f = click.option(
            "--set", "overrides", multiple=True, metavar="SECTION.FIELD=VALUE", help="Fix a lever for every run."
        )(f)
        f = click.option(
            "--seed",
            "master_seed",
            type=click.IntRange(0, 2**32 - 1),
            default=2026,
            show_default=True,
            help="Master seed (sampling and runs).",
        )(f)
        f = click.option("--steps", type=click.IntRange(1, 100_000), default=DEFAULT_STEPS, show_default=True)(f)
        return click.option(
            "--replicates", type=click.IntRange(1, 10_000), default=replicates, show_default=True, help=replicates_help
        )(f)

    return decorate


def open_engine(engine_name: str, workers: int, scheduler: str | None):
    """The engine the options ask for, or one line saying why it cannot start."""
    from ..engine import EngineError, make_engine

    try:
        return make_engine(engine_name, workers, scheduler)
    except EngineError as e:
        fail(str(e))


def command_line() -> str:
    return "cogov " + " ".join(sys.argv[1:])


@contextmanager
def interruptible(stored: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C or SIGTERM inside (`interrupts.caught`): the engine's workers are stopped on the way
    out; print how much is stored (`stored()`) and exit 130 (143 for SIGTERM)."""
    from ..interrupts import Terminated, caught

    try:
        with caught():
            yield
    except KeyboardInterrupt as e:
        err.print(f"interrupted: {stored()} stored; run the same command again to resume", highlight=False)
        sys.exit(143 if isinstance(e, Terminated) else 130)


def store_runs(store, design, engine, kind: str, shard: tuple[int, int] | None = None):
    """Run `design` (or one `shard` of it) into the store with a progress bar; stop cleanly on Ctrl-C
    or SIGTERM."""
    from ..batch import run_design, shard_of
    from ..store import done_keys

    total = len(shard_of(design.specs(), shard))
    with interruptible(lambda: f"{len(done_keys(store, design.name))} of {total} runs are"):
        try:
            return run_design(
                store, design, engine, kind=kind, command=command_line(), progress=err.is_terminal, shard=shard
            )
        except ValueError as e:
            fail(str(e))


def run_batch(design, kind, db, workers, engine_name, scheduler, lang, no_report, plan: str | None = None, shard=None):
    """Run `design` (or one `shard` of it) into the store at `db` (saying first what it holds: `plan`,
    or its size), say how it went, and write its report unless `no_report` or a shard, which holds
    only part of the runs. Returns the store."""
    from ..store import open_db

    store = open_db(db)
    engine = open_engine(engine_name, workers, scheduler)
    err.print(
        plan
        or f"{design.name}: {design.size():,} points × {design.replicates} replicates = "
        f"{design.size() * design.replicates:,} runs",
        highlight=False,
    )
    summary = store_runs(store, design, engine, kind, shard)
    part = f" (shard {shard[0]}/{shard[1]}: {summary.total:,} of them)" if shard else ""
    err.print(
        f"{design.name}{part}: {summary.ran} runs in {summary.seconds:.1f} s ({summary.skipped} already stored, "
        f"{summary.failed} failed) → {db}",
        highlight=False,
    )
    if shard:
        err.print(
            f"merge the {shard[1]} shards' stores with `cogov merge TARGET.db SHARD.db …`, then "
            f"`cogov report {design.name} --db TARGET.db`",
            highlight=False,
        )
    elif not no_report:
        report_experiment(store, design.name, lang)
    return store


def report_experiment(store, experiment, lang):
    from ..design import check_name
    from ..report import write_report

    out = RESULTS / check_name(experiment, "EXPERIMENT")
    try:
        paths = write_report(store, experiment, out, lang=lang)
    except OSError as e:
        fail(f"{out}: cannot write the report there ({e.strerror or e}); make the folder writable")
    err.print(f"report: {paths['html']} and {paths['markdown']}", highlight=False)
