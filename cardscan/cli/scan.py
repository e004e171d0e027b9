"""cardscan scan: one card."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cardscan.cli.base import _options, cli, ocr_options
from cardscan.errors import InputError
from cardscan.model import Card


@cli.command()
@click.argument("front", type=click.Path(path_type=Path))
@click.option("--back", type=click.Path(path_type=Path), default=None, help="Photo of the card's back.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option("--event", default=None, help="Tag the card with an event name.")
@click.option("--follow-up-days", type=click.IntRange(min=0), default=3, show_default=True,
              help="Follow up this many days after meeting (the photo's EXIF date, else today).")
@click.option("--debug-dir", type=click.Path(path_type=Path), default=None,
              help="Write each image-stage step as a PNG here.")
@ocr_options
def scan(front: Path, back: Path | None, fmt: str, event: str | None, follow_up_days: int,
         debug_dir: Path | None, lang: str, region: str | None, engine: str, timeout: float) -> None:
    """Read one card and print its contact.

    \b
    Example:
      cardscan scan samples/card-001.jpg --back samples/card-001-back.jpg
    """
    from cardscan.cards import find_sidecar
    from cardscan.pipeline import read_card

    options = _options(lang, region, engine, timeout, debug_dir=debug_dir, event=event,
                       follow_up_days=follow_up_days)
    for path in (front, back):
        if path is not None and not path.exists():
            raise InputError(path, "no such file")
    card = Card(front=front, back=back)
    card.sidecar = find_sidecar(card)  # X.txt / X.md beside the photo: the user's own note
    contact = read_card(card, options)
    if fmt == "json":
        click.echo(json.dumps(contact.to_dict(), ensure_ascii=False, indent=2))
        return
    data = contact.to_dict()
    for key in ("name", "title", "department", "company", "address", "notes", "event", "met_on",
                "follow_up_on", "region"):
        if data[key]:
            click.echo(f"{key:>10}: {data[key]}")
    for email in contact.emails:
        click.echo(f"{'email':>10}: {email}")
    for phone in contact.phones:
        click.echo(f"{phone.kind:>10}: {phone.number}")
    for site in contact.websites:
        click.echo(f"{'web':>10}: {site}")


