"""The command group, the options shared by commands, and progress output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from cardscan import __version__
from cardscan.errors import UsageError
from cardscan.options import DEFAULT_LANG, Options

stderr = Console(stderr=True, highlight=False)


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


def progress_bar(quiet: bool) -> Any:
    """A progress bar on stderr with cards/s and the time left; silent with `quiet` and when
    stderr is not a terminal (a log file gets no bar)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class CardsPerSecond(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("– cards/s" if speed is None else f"{speed:.2f} cards/s")

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        CardsPerSecond(), TimeRemainingColumn(),
        console=stderr, disable=quiet or not stderr.is_terminal, transient=False,
    )


