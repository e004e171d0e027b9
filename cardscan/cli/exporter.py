"""cardscan export: the stored contacts to a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cardscan.cli.base import cli, stderr
from cardscan.errors import InputError


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
        export(store.contacts(), output, fmt, stdout=sys.stdout)
        if output != "-":
            stderr.print(f"exported {store.count()} contacts to {output}")


