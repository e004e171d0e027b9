"""cardscan dedupe: find (and merge) stored contacts that are the same person."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cardscan.cli.base import cli
from cardscan.errors import ExitCode, InputError

if TYPE_CHECKING:
    from cardscan.model import Contact


@cli.command(name="dedupe")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("--dry-run", "-n", is_flag=True, help="Only show what would merge.")
def dedupe_(db: Path | None, dry_run: bool) -> int:
    """Merge stored contacts that are the same person.

    Two contacts are one person when they share an email address or a phone number (not a fax
    or an info@-style address), or carry the same name at the same company, and their names do
    not disagree. The merged contact keeps every photo, every email and phone; a field read two
    ways keeps the first and lists the other in its notes. `import` already merges as it goes;
    this finds what it could not (contacts stored before, or edited since).

    \b
    Example:
      cardscan dedupe --dry-run
    """
    from cardscan import dedupe
    from cardscan.store import Store, default_db_path

    path = db or default_db_path()
    if not path.exists():
        raise InputError(path, "no store here yet; run 'cardscan import' first")
    with Store(path) as store:
        items = list(store.contact_items())
        by_id = dict(items)
        groups = dedupe.groups(items)
        verb = "would merge" if dry_run else "merged"
        for group in groups:
            (first, _), *rest = group
            click.echo(f"{verb}: {_describe(first, by_id[first], store.photos(first))}")
            for contact_id, why in rest:
                described = _describe(contact_id, by_id[contact_id], store.photos(contact_id))
                click.echo(f"  + {described} ({why or 'same person'})")
            if not dry_run:
                store.merge([contact_id for contact_id, _ in group],
                            {contact_id: why or "same person" for contact_id, why in rest})
        merged = sum(len(group) - 1 for group in groups)
        tail = " (dry run: nothing changed)" if dry_run and groups else ""
        click.echo(f"{len(items)} contacts: {merged} {verb} into {len(groups)}{tail}", err=True)
    return ExitCode.OK


def _describe(contact_id: str, contact: Contact, photos: list[dict[str, Any]]) -> str:
    label = contact.name or contact.company or (contact.emails[0] if contact.emails else None) or "(no name)"
    email = f" <{contact.emails[0]}>" if contact.emails and contact.name else ""
    count = len(photos)
    return f"{label}{email} [{contact_id}, {count} photo{'s' if count != 1 else ''}]"
