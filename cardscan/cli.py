"""The command line: the only place that prints for people and maps errors to exit codes."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from cardscan import __version__
from cardscan.errors import CardscanError, ExitCode, InputError, UsageError
from cardscan.model import Card
from cardscan.options import DEFAULT_LANG, Options

stderr = Console(stderr=True, highlight=False)


def _fail(message: str, code: int) -> int:
    click.echo(f"cardscan: error: {message}", err=True)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every error becomes one line on stderr and the contract's exit code."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="cardscan",
                          standalone_mode=False)
    except CardscanError as exc:
        return _fail(str(exc), int(exc.exit_code))
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        return ExitCode.USAGE
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        return _fail(f"{exc.format_message()}{hint}", ExitCode.USAGE)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("cardscan: interrupted", err=True)
        return ExitCode.INTERRUPTED
    except click.ClickException as exc:
        return _fail(exc.format_message(), ExitCode.USAGE)
    except BrokenPipeError:
        return ExitCode.OK
    return int(result or 0)


def run() -> None:
    sys.exit(main())


# Options shared by the commands that read cards.
def ocr_options(func: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.option("--lang", default=DEFAULT_LANG, show_default=True,
                     help="Tesseract model(s), e.g. eng, deu, Latin+jpn."),
        click.option("--region", default=None, metavar="CC",
                     help="Default country for numbers without +CC (ISO code); inferred per card if absent."),
        click.option("--engine", type=click.Choice(["auto", "pytesseract", "tesserocr"]), default="auto",
                     show_default=True, help="OCR engine; auto prefers the in-process tesserocr."),
        click.option("--timeout", type=float, default=60.0, show_default=True,
                     help="Seconds allowed per card side before its OCR is abandoned."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _options(lang: str, region: str | None, engine: str, timeout: float, **extra: Any) -> Options:
    if region is not None:
        region = region.upper()
        import phonenumbers

        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise UsageError(f"--region {region!r} is not an ISO 3166 country code phonenumbers knows")
    return Options(lang=lang, region=region, engine=engine, timeout=timeout, **extra)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cardscan")
def cli() -> None:
    """Turn photos of business cards into clean, structured contacts.

    \b
    cardscan scan card.jpg                      one card, printed as JSON
    cardscan import ~/Pictures/expo -o out.csv  a whole folder, stored and exported
    cardscan export -o contacts.vcf             the stored contacts, as vCards
    cardscan eval samples/                      accuracy against a sample set
    """


@cli.command()
@click.argument("front", type=click.Path(path_type=Path))
@click.option("--back", type=click.Path(path_type=Path), default=None, help="Photo of the card's back.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option("--debug-dir", type=click.Path(path_type=Path), default=None,
              help="Write each image-stage step as a PNG here.")
@ocr_options
def scan(front: Path, back: Path | None, fmt: str, debug_dir: Path | None, lang: str,
         region: str | None, engine: str, timeout: float) -> None:
    """Read one card and print its contact.

    \b
    Example:
      cardscan scan samples/card-001.jpg --back samples/card-001-back.jpg
    """
    from cardscan.pipeline import read_card

    options = _options(lang, region, engine, timeout, debug_dir=debug_dir)
    for path in (front, back):
        if path is not None and not path.exists():
            raise InputError(path, "no such file")
    contact = read_card(Card(front=front, back=back), options)
    if fmt == "json":
        click.echo(json.dumps(contact.to_dict(), ensure_ascii=False, indent=2))
        return
    data = contact.to_dict()
    for key in ("name", "title", "department", "company", "address", "notes", "region"):
        if data[key]:
            click.echo(f"{key:>10}: {data[key]}")
    for email in contact.emails:
        click.echo(f"{'email':>10}: {email}")
    for phone in contact.phones:
        click.echo(f"{phone.kind:>10}: {phone.number}")
    for site in contact.websites:
        click.echo(f"{'web':>10}: {site}")


@cli.command(name="import")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("-o", "--output", default=None, help="Also export the stored contacts here ('-' = stdout).")
@click.option("--format", "fmt", default=None, help="csv, google, outlook, vcard, json or jsonl.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--event", default=None, help="Tag every card of this import with an event name.")
@click.option("--pair", type=click.Choice(["auto", "sequential", "none"]), default="auto", show_default=True,
              help="How fronts and backs are paired.")
@click.option("--force", is_flag=True, help="Read again photos already in the store.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@ocr_options
def import_(folders: tuple[Path, ...], db: Path | None, output: str | None, fmt: str | None,
            workers: int | None, event: str | None, pair: str, force: bool, quiet: bool,
            lang: str, region: str | None, engine: str, timeout: float) -> int:
    """Read every card photo under the folders into the store.

    \b
    Example:
      cardscan import ~/Pictures/expo-cards --event "Expo 2026" -o contacts.csv
    """
    from cardscan import cards as cards_mod
    from cardscan.batch import read_many
    from cardscan.export import export, format_for
    from cardscan.image import load_bytes
    from cardscan.model import image_id
    from cardscan.store import Store, default_db_path

    options = _options(lang, region, engine, timeout, event=event)
    fmt = format_for(output, fmt) if output else None
    images = cards_mod.find_images(folders)
    if not images:
        raise InputError(", ".join(map(str, folders)), "no card photos found")
    all_cards = cards_mod.pair(images, pair)
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
    progress = _progress(quiet)
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
        export(store.contacts(), output, fmt, stdout=click.get_text_stream("stdout"))
        if output != "-":
            stderr.print(f"exported {store.count()} contacts to {output}")
    store.close()
    return ExitCode.SOME_CARDS_FAILED if failures else ExitCode.OK


def _progress(quiet: bool) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.speed} cards/s"), TimeRemainingColumn(),
        console=stderr, disable=quiet or not stderr.is_terminal, transient=False,
    )


@cli.command(name="export")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("-o", "--output", required=True, help="Output file ('-' = stdout).")
@click.option("--format", "fmt", default=None, help="csv, google, outlook, vcard, json or jsonl.")
def export_(db: Path | None, output: str, fmt: str | None) -> None:
    """Write the stored contacts to a file.

    \b
    Example:
      cardscan export -o contacts.vcf
      cardscan export -o - --format jsonl | jq .name
    """
    from cardscan.export import export, format_for
    from cardscan.store import Store, default_db_path

    fmt = format_for(output, fmt)
    path = db or default_db_path()
    if not path.exists():
        raise InputError(path, "no store here yet; run 'cardscan import' first")
    with Store(path) as store:
        export(store.contacts(), output, fmt, stdout=click.get_text_stream("stdout"))
        if output != "-":
            stderr.print(f"exported {store.count()} contacts to {output}")


@cli.command(name="eval")
@click.argument("samples_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--min-f1", type=float, default=None, help="Exit 1 when macro F1 is below this.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N cards.")
@ocr_options
def eval_(samples_dir: Path, as_json: bool, min_f1: float | None, workers: int | None, limit: int | None,
          lang: str, region: str | None, engine: str, timeout: float) -> int:
    """Score the pipeline against a sample set (images + truth/*.json), per field.

    \b
    Example:
      cardscan eval samples/ --min-f1 0.9
    """
    from cardscan.batch import read_many
    from cardscan.evaluate import Metrics, load_samples

    options = _options(lang, region, engine, timeout)
    samples = load_samples(samples_dir)[:limit]
    by_front = {str(s.card.front): s for s in samples}
    metrics = Metrics()
    progress = _progress(as_json)
    with progress:
        task = progress.add_task("evaluating", total=len(samples))
        for result in read_many([s.card for s in samples], options, workers):
            metrics.update(by_front[str(result.card.front)], result.contact, result.error, result.diagnostics)
            progress.advance(task)
    summary = metrics.summary()
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        _print_eval(summary)
    if min_f1 is not None and summary["macro_f1"] < min_f1:
        click.echo(f"cardscan: macro F1 {summary['macro_f1']:.4f} is below --min-f1 {min_f1}", err=True)
        return ExitCode.USAGE
    return ExitCode.OK


def _print_eval(summary: dict[str, Any]) -> None:
    out = Console(highlight=False)
    table = Table(title=f"cardscan eval — {summary['cards']} cards")
    for column in ("field", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, s in summary["fields"].items():
        table.add_row(name, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["support"]))
    out.print(table)
    by_quality = Table(title="by photo condition")
    for column in ("condition", "cards", "macro F1", "CER"):
        by_quality.add_column(column, justify="left" if column == "condition" else "right")
    for quality, q in summary["by_quality"].items():
        cer = "-" if q["cer"] is None else f"{q['cer']:.3f}"
        by_quality.add_row(quality, str(q["cards"]), f"{q['macro_f1']:.3f}", cer)
    out.print(by_quality)
    kind = summary["phone_kind_accuracy"]
    lines = [
        f"macro F1: {summary['macro_f1']:.4f}",
        f"cards with every field right: {summary['all_fields_right']:.1%}",
        f"phone kind right: {'-' if kind is None else f'{kind:.1%}'}",
        "OCR CER: " + ("-" if summary["cer"] is None else f"{summary['cer']:.3f}"),
    ]
    if summary["corner_iou_mean"] is not None:
        lines.append(
            f"corner IoU: mean {summary['corner_iou_mean']:.3f}, "
            f"{summary['corner_iou_ge_090']:.1%} of cards >= 0.90"
        )
    if summary["failed"]:
        lines.append(f"failed cards: {summary['failed']}")
    out.print("\n".join(lines))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    run()
