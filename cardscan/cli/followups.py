"""cardscan followups: who to follow up with, soonest first, with the note from their card."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from cardscan.cli.base import cli
from cardscan.errors import InputError, UsageError


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date like 2026-05-04") from None


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("--due", is_flag=True, help="Only those whose follow-up date has come.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day --due counts from (default: today).")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of contacts instead of a table.")
def followups(db: Path | None, due: bool, as_of: str | None, as_json: bool) -> None:
    """List the stored contacts to follow up with, soonest first, with their notes.

    \b
    Example:
      cardscan import ~/Pictures/expo --event "Expo 2026" --follow-up-days 3
      cardscan followups --due
      cardscan followups --due --as-of 2026-05-04 --json
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cardscan.followups import followups as list_followups
    from cardscan.store import Store, default_db_path

    day = _as_of(as_of)
    path = db or default_db_path()
    if not path.exists():
        raise InputError(path, "no store here yet; run 'cardscan import' first")
    with Store(path) as store:
        items = list_followups(store.contacts(), as_of=day, due_only=due)
    if as_json:
        click.echo(json.dumps([i.contact.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    if not console.is_terminal:  # piped or redirected: no terminal width to fit, keep notes whole
        console = Console(highlight=False, width=160)
    if not items:
        console.print(f"Nobody to follow up with{' as of ' + day.isoformat() if due else ''}.")
        return
    table = Table(title=f"Follow-ups{' due by ' + day.isoformat() if due else ''}", show_lines=True)
    for column in ("follow up", "name", "company", "note", "email / phone"):
        table.add_column(column, overflow="fold")
    for item in items:
        c = item.contact
        reach = "\n".join([*c.emails[:1], *(p.number for p in c.phones[:1])])
        when = item.on.isoformat() + (" (due)" if item.is_due(day) else "")
        # Text, not markup: a note may well contain "[...]".
        table.add_row(*(Text(v) for v in (when, c.name or "", c.company or "", c.notes or "", reach)))
    console.print(table)
