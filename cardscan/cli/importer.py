"""cardscan import: a folder of cards into the store."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cardscan.cli.base import _options, cli, ocr_options, progress_bar, stderr
from cardscan.cli.exporter import FORMAT_HELP, export_flags, resolve_export
from cardscan.errors import ExitCode, InputError
from cardscan.model import Card

if TYPE_CHECKING:
    from cardscan.export import ExportOptions


@cli.command(name="import")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("-o", "--output", default=None, help="Also export the stored contacts here ('-' = stdout).")
@click.option("--format", "fmt", default=None, help=FORMAT_HELP)
@export_flags
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--event", default=None, help="Tag every card of this import with an event name.")
@click.option("--follow-up-days", type=click.IntRange(min=0), default=3, show_default=True,
              help="Follow up this many days after meeting (the photo's EXIF date, else today).")
@click.option("--pair", type=click.Choice(["auto", "sequential", "none"]), default="auto", show_default=True,
              help="How fronts and backs are paired.")
@click.option("--force", is_flag=True, help="Read again photos already in the store.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@ocr_options
def import_(folders: tuple[Path, ...], db: Path | None, output: str | None, fmt: str | None,
            workers: int | None, event: str | None, follow_up_days: int, pair: str, force: bool,
            quiet: bool,
            lang: str, region: str | None, engine: str, timeout: float,
            export_options: ExportOptions) -> int:
    """Read every card photo under the folders into the store.

    \b
    Example:
      cardscan import ~/Pictures/expo-cards --event "Expo 2026" -o contacts.csv
    """
    from cardscan import cards as cards_mod
    from cardscan.batch import read_many
    from cardscan.export import export
    from cardscan.image import load_bytes
    from cardscan.model import image_id
    from cardscan.store import Store, default_db_path

    options = _options(lang, region, engine, timeout, event=event, follow_up_days=follow_up_days)
    fmt = resolve_export(output, fmt, export_options)
    images = cards_mod.find_images(folders)
    if not images:
        raise InputError(", ".join(map(str, folders)), "no card photos found")
    pairing = cards_mod.pair_cards(images, pair)
    all_cards = pairing.cards
    for orphan in pairing.orphan_backs:
        stderr.print(f"no front for the back {orphan}: read as a card", markup=False, highlight=False)
    for single in pairing.unpaired:
        stderr.print(f"odd number of photos: {single} has no back", markup=False, highlight=False)
    started = time.perf_counter()
    store = Store(db or default_db_path())
    todo: list[Card] = []
    skipped = 0
    failures: list[str] = []
    for card in all_cards:
        try:
            known = not force and store.has(image_id(load_bytes(card.front)))
        except InputError as exc:
            failures.append(str(exc))
            continue
        if known:
            skipped += 1
        else:
            todo.append(card)
    stored = 0
    progress = progress_bar(quiet)
    with progress:
        task = progress.add_task("reading cards", total=len(todo))
        for result in read_many(todo, options, workers):
            if result.contact is not None:
                store.put(result.contact)
                stored += 1
            else:
                failures.append(result.error or f"{result.card.front}: failed")
                progress.console.print(f"[red]failed[/red] {result.error}", markup=True, highlight=False)
            progress.advance(task)
    elapsed = time.perf_counter() - started
    rate = len(todo) / elapsed if elapsed > 0 else 0.0
    stderr.print(
        f"{len(all_cards)} cards: {stored} read, {skipped} already stored, {len(failures)} failed "
        f"in {elapsed:.1f}s ({rate:.2f} cards/s); store: {store.path}"
    )
    for failure in failures:
        click.echo(f"cardscan: failed: {failure}", err=True)
    if output:
        assert fmt is not None
        export(store.contacts(), output, fmt, stdout=sys.stdout, options=export_options)
        if output != "-":
            stderr.print(f"exported {store.count()} contacts to {output}")
    store.close()
    return ExitCode.SOME_CARDS_FAILED if failures else ExitCode.OK


