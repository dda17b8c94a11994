"""The command line: `salestui` opens the app; subcommands script the same pipeline.

Errors are one line on stderr: exit 1 for an error, 2 for a usage mistake, 3 when the
stage gate blocks a move. Never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from salestui import domain, transfer
from salestui.store import Pipeline, describe, open_pipeline, resolve_url
from salestui.store import engine as engine_module
from salestui.transfer import deal_json

EXIT_ERROR, EXIT_USAGE, EXIT_GATE = 1, 2, 3


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"salestui: {message}", err=True)
    sys.exit(code)


class Group(click.Group):
    """Turns every expected failure into one line on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except domain.GateBlocked as blocked:
            click.echo(f"salestui: blocked by the stage gate: {blocked}", err=True)
            for task in blocked.open_tasks:
                label = domain.STAGE_BY_KEY[task.stage].label
                click.echo(f"  [ ] #{task.id} {label}: {_one_line(task.title)}", err=True)
            click.echo(
                "  tick them (salestui task done ID TASK_ID) or pass --override REASON", err=True
            )
            sys.exit(EXIT_GATE)
        except domain.DomainError as error:
            fail(str(error))
        except SQLAlchemyError as error:
            detail = str(error.__cause__ or error).splitlines()[0]
            fail(f"database error: {detail}")
        except BrokenPipeError:
            # The reader went away (`salestui deal list | head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
        except OSError as error:
            fail(str(error))


class Context:
    """What the subcommands share: where the database is, opened on first use."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._pipeline: Pipeline | None = None

    @property
    def url(self) -> str:
        return resolve_url(self.db)

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = open_pipeline(self.url)
        return self._pipeline


pass_context = click.make_pass_decorator(Context)


@click.group(cls=Group, invoke_without_command=True)
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    help="Database file or URL (default: $SALESTUI_DB, else the data dir).",
)
@click.version_option(package_name="salestui")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """A sales pipeline in the terminal. Without a command, opens the board."""
    ctx.obj = Context(db)
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj.url)


def run_app(url: str) -> None:
    from salestui.app import SalesApp

    pipeline = open_pipeline(url)
    SalesApp(pipeline, database=describe(url)).run()


@main.command()
@click.option("--reset", is_flag=True, help="Start again from fresh demo data.")
@click.pass_context
def demo(ctx: click.Context, reset: bool) -> None:
    """Open the app on a demo database, kept apart from your own."""
    db = ctx.obj.db  # an explicit --db only: $SALESTUI_DB names your real pipeline
    url = resolve_url(db) if db else resolve_url(None, demo=True)
    if reset:
        if db:
            fail(
                "--reset only resets the built-in demo database; it never deletes --db", EXIT_USAGE
            )
        path = engine_module.default_db(demo=True)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    pipeline = open_pipeline(url)
    if pipeline.count() == 0:
        from salestui.demo import seed

        seed(pipeline)
    from salestui.app import SalesApp

    SalesApp(pipeline, database=describe(url) + " (demo)").run()


@main.command()
@pass_context
def where(obj: Context) -> None:
    """Print the config dir, the data dir and the database in use."""
    click.echo(f"config:   {engine_module.config_dir()}")
    click.echo(f"data:     {engine_module.data_dir()}")
    click.echo(f"database: {describe(obj.url)}")


# ---------------------------------------------------------------------- deals


@main.group()
def deal() -> None:
    """Add, list, show and move deals."""


def stage_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    choice = click.Choice(domain.STAGE_KEYS, case_sensitive=False)
    return click.option("--stage", type=choice, help=help_text)


@deal.command("add")
@click.argument("title")
@click.option("--company", default="")
@click.option("--contact", default="")
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--value", default="", help="In major units, e.g. 48000 or 48,000.50.")
@click.option("--currency", default="EUR", show_default=True)
@click.option("--owner", default="")
@click.option("--close-date", default="", help="YYYY-MM-DD")
@click.option("--source", default="")
@stage_option("Stage to start in (default prospect).")
@pass_context
def deal_add(obj: Context, /, title: str, stage: str | None, **fields: str) -> None:
    """Add a deal and print its id."""
    detail = obj.pipeline.create({"title": title, **fields}, stage=(stage or "prospect").lower())
    click.echo(detail.id)


@deal.command("list")
@stage_option("Only this stage.")
@click.option("--outcome", type=click.Choice(domain.OUTCOMES))
@click.option("--json", "as_json", is_flag=True, help="A JSON array of deals.")
@pass_context
def deal_list(obj: Context, stage: str | None, outcome: str | None, as_json: bool) -> None:
    """List deals in board order."""
    pipeline = obj.pipeline
    if as_json:
        ids = (c.id for c in pipeline.deals(stage=stage, outcome=outcome))
        _echo_json_array(deal_json(pipeline.get(i)) for i in ids)
        return
    for card in pipeline.deals(stage=stage, outcome=outcome):
        money = domain.format_money(card.value, card.currency)
        mark = {"won": " won", "lost": " lost"}.get(card.outcome, "")
        progress = f"{card.tasks_done}/{card.tasks_total}"
        click.echo(
            f"{card.id:>6}  {card.stage:<11} {progress:>5}  {money:>16}{mark:5}  "
            f"{_one_line(card.title)}  ({_one_line(card.company)})"
        )


@deal.command("show")
@click.argument("deal_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def deal_show(obj: Context, deal_id: int, as_json: bool) -> None:
    """Show one deal with its checklists and history."""
    detail = obj.pipeline.get(deal_id)
    if as_json:
        click.echo(json.dumps(deal_json(detail), ensure_ascii=False, indent=2))
        return
    click.echo(f"#{detail.id} {_one_line(detail.title)}  (version {detail.version})")
    for name in ("company", "contact", "email", "phone", "owner", "source"):
        value = getattr(detail, name)
        if value:
            click.echo(f"  {name:<10} {_one_line(value)}")
    click.echo(f"  {'value':<10} {domain.format_money(detail.value, detail.currency)}")
    click.echo(f"  {'stage':<10} {domain.STAGE_BY_KEY[detail.stage].label} ({detail.outcome})")
    if detail.lost_reason:
        click.echo(f"  {'lost':<10} {_one_line(detail.lost_reason)}")
    for stage in domain.STAGES:
        tasks = detail.tasks_of(stage.key)
        if tasks:
            click.echo(f"  {stage.label}:")
            for task in tasks:
                box = "[x]" if task.done else "[ ]"
                optional = "" if task.required else " (optional)"
                click.echo(f"    {box} #{task.id} {_one_line(task.title)}{optional}")
    click.echo("  history:")
    for event in detail.history:
        click.echo(
            f"    {event.at:%Y-%m-%d %H:%M}  {_one_line(event.author)}  {event.kind}"
            f"  {_one_line(event.detail)}"
        )


@deal.command("move")
@click.argument("deal_id", type=int)
@click.argument("stage")
@click.option("--override", metavar="REASON", help="Pass the gate anyway; the reason is recorded.")
@pass_context
def deal_move(obj: Context, deal_id: int, stage: str, override: str | None) -> None:
    """Move a deal to STAGE through the stage gate."""
    detail = obj.pipeline.move(deal_id, domain.find_stage(stage), override=override)
    label = domain.STAGE_BY_KEY[detail.stage].label
    click.echo(f"#{detail.id} is now in {label} ({detail.outcome})")


@deal.command("lose")
@click.argument("deal_id", type=int)
@click.option("--reason", required=True, help="Why it was lost.")
@pass_context
def deal_lose(obj: Context, deal_id: int, reason: str) -> None:
    """Close a deal as lost."""
    obj.pipeline.lose(deal_id, reason)
    click.echo(f"#{deal_id} is closed as lost")


@deal.command("reopen")
@click.argument("deal_id", type=int)
@stage_option("Stage to reopen in (default proposed).")
@pass_context
def deal_reopen(obj: Context, deal_id: int, stage: str | None) -> None:
    """Reopen a closed deal."""
    detail = obj.pipeline.reopen(deal_id, stage)
    click.echo(f"#{detail.id} is open again in {domain.STAGE_BY_KEY[detail.stage].label}")


# ---------------------------------------------------------------------- tasks


@main.group()
def task() -> None:
    """Tick, untick and add checklist tasks."""


@task.command("done")
@click.argument("deal_id", type=int)
@click.argument("task_id", type=int)
@pass_context
def task_done(obj: Context, deal_id: int, task_id: int) -> None:
    """Tick a task."""
    obj.pipeline.set_task_done(deal_id, task_id, True)


@task.command("undone")
@click.argument("deal_id", type=int)
@click.argument("task_id", type=int)
@pass_context
def task_undone(obj: Context, deal_id: int, task_id: int) -> None:
    """Untick a task."""
    obj.pipeline.set_task_done(deal_id, task_id, False)


@task.command("add")
@click.argument("deal_id", type=int)
@click.argument("title")
@click.option("--optional", is_flag=True, help="Not needed to pass the gate.")
@stage_option("Stage's checklist (default: the deal's stage).")
@pass_context
def task_add(obj: Context, deal_id: int, title: str, optional: bool, stage: str | None) -> None:
    """Add a task to a deal's checklist and print its id."""
    detail = obj.pipeline.add_task(deal_id, title, stage=stage, required=not optional)
    click.echo(max(t.id for t in detail.tasks))


# ---------------------------------------------------------------------- JSON


def _echo_json_array(items: Iterator[dict[str, Any]]) -> None:
    """Stream a JSON array without holding every deal in memory."""
    click.echo("[", nl=False)
    for n, item in enumerate(items):
        click.echo(("," if n else "") + "\n  " + json.dumps(item, ensure_ascii=False), nl=False)
    click.echo("\n]")


def _one_line(text: str) -> str:
    """User text for a terminal line: control characters and line breaks removed."""
    return domain.clean_text(text, multiline=True).replace("\n", " ").replace("\t", " ")


# ---------------------------------------------------------------------- import and export


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "columns",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Read column HEADER as FIELD: title, company, contact, email, phone, value, currency,"
    " owner, close_date, source, stage, outcome, lost_reason or notes.",
)
@click.option(
    "--stage-map",
    "stages",
    multiple=True,
    metavar="VALUE=STAGE",
    help="Put deals whose stage is VALUE in STAGE (key or label; closed:won, closed:lost).",
)
@click.option("--currency", default="EUR", show_default=True, help="For rows that name none.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad.")
@pass_context
def import_command(
    obj: Context,
    file: Path,
    columns: tuple[str, ...],
    stages: tuple[str, ...],
    currency: str,
    skip_bad: bool,
) -> None:
    """Import deals from FILE (.csv or .json): salestui's export, Pipedrive's, or any CSV.

    Every row is checked first: bad rows are listed by line and nothing is imported
    unless --skip-bad is given. The import is one transaction.
    """
    try:
        mapping = transfer.parse_map(columns)
        default = domain.check_currency(currency)
        options = transfer.Options(default, transfer.parse_stage_map(stages))
    except domain.DomainError as error:
        fail(str(error), EXIT_USAGE)
    result = transfer.import_file(
        obj.pipeline,
        file,
        columns=mapping,
        options=options,
        skip_bad=skip_bad,
        report=lambda line, why: click.echo(f"line {line}: {_one_line(why)}", err=True),
        show_progress=sys.stderr.isatty(),
    )
    skipped = f"; skipped {result.skipped:,} bad row(s)" if result.skipped else ""
    click.echo(f"imported {result.imported:,} deal(s) from {file.name} ({result.kind}){skipped}")


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(transfer.FORMATS),
    help="csv or json (default: the suffix of -o, else json).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@pass_context
def export_command(obj: Context, fmt: str | None, output: Path | None) -> None:
    """Export every deal in UTF-8: CSV (every field) or JSON (with tasks and history)."""
    fmt = fmt or ("csv" if output and output.suffix.lower() == ".csv" else "json")
    if output is not None:
        count = transfer.export_file(obj.pipeline, fmt, output)
        click.echo(f"exported {count:,} deal(s) to {output}", err=True)
        return
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        transfer.export_deals(obj.pipeline, fmt, out)
    finally:
        out.detach()
