"""cardscan import: a folder of cards into the store."""

from __future__ import annotations

import signal
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cardscan.cli.base import _options, cli, ocr_options, progress_bar, stderr
from cardscan.cli.exporter import FORMAT_HELP, export_contacts, export_flags, resolve_export
from cardscan.errors import InputError

if TYPE_CHECKING:
    from cardscan.batch import CardEvent
    from cardscan.export import ExportOptions


def one_line(text: str) -> str:
    """A failure as exactly one line, whatever the file name holds: a newline, a tab or another
    control character in a name is shown as its escape (`\\n`), and a name that is not valid
    UTF-8 shows its raw bytes as `\\xNN`."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        else f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF
        else ch
        for ch in text
    )


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """`kill PID` (SIGTERM) stops an import as Ctrl-C does: what was stored is summed up."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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

    Folders are walked recursively; photos are recognised by their content, multi-page TIFF and
    PDF files are read page by page. Photos read before (same bytes) are not read again, so an
    import stopped by Ctrl-C is finished by running it again; the same person on two cards
    (same email or phone, or same name at the same company) becomes one contact.

    \b
    Example:
      cardscan import ~/Pictures/expo-cards --event "Expo 2026" -o contacts.csv
    """
    from cardscan import cards as cards_mod
    from cardscan import discover
    from cardscan.batch import import_cards
    from cardscan.store import Store, default_db_path

    options = _options(lang, region, engine, timeout, event=event, follow_up_days=follow_up_days)
    fmt = resolve_export(output, fmt, export_options)
    unreadable: list[InputError] = []  # folders that could not be opened
    images = discover.find_images(folders, unreadable)
    if not images:
        if unreadable:
            raise unreadable[0]
        raise InputError(", ".join(map(str, folders)), "no card photos found")
    pairing = cards_mod.pair_cards(images, pair)
    all_cards = discover.expand_pages(pairing.cards)
    for orphan in pairing.orphan_backs:
        stderr.print(f"no front for the back {orphan}: read as a card", markup=False, highlight=False)
    for single in pairing.unpaired:
        stderr.print(f"odd number of photos: {single} has no back", markup=False, highlight=False)
    with Store(db or default_db_path()) as store, _terminate_as_interrupt():
        progress = progress_bar(quiet)
        with progress:
            task = progress.add_task("reading cards", total=len(all_cards))

            def on_card(event: CardEvent) -> None:
                if event.outcome in ("stored", "duplicate"):
                    # Not read at all: out of the bar, so its speed and ETA count real reads.
                    total = progress.tasks[0].total or 0
                    progress.update(task, total=max(0, total - 1))
                    return
                progress.advance(task)
                if event.outcome == "failed" and not progress.disable:
                    progress.console.print(one_line(f"failed: {event.card.label}: {event.error}"),
                                           markup=False, highlight=False)

            summary = import_cards(all_cards, store, options, workers, force=force, on_card=on_card)
        summary.failures.extend((problem.path, problem.reason) for problem in unreadable)
        click.echo(("interrupted: " if summary.interrupted else "") + summary.line()
                   + f"; store: {store.path}", err=True)
        for label, reason in sorted(summary.failures):
            click.echo(one_line(f"cardscan: failed: {label}: {reason}"), err=True)
        if output and not summary.interrupted:
            assert fmt is not None
            export_contacts(store.contacts(), output, fmt, export_options)
            if output != "-":
                stderr.print(f"exported {store.count()} contacts to {output}")
    return summary.exit_code()
