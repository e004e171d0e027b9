"""cardscan export: the stored contacts to a file; and the export flags `import -o` shares."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cardscan.cli.base import cli, stderr
from cardscan.errors import InputError, OutputError, UsageError

if TYPE_CHECKING:
    from cardscan.export import ExportOptions
    from cardscan.model import Contact

FORMAT_HELP = ("csv (cardscan's columns), google (Google Contacts CSV), outlook (Outlook CSV), "
               "vcard (.vcf), json, jsonl or ics (follow-up reminders); "
               "default: from the output's extension.")


def export_flags(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --excel, --vcard-version and --with-photo; the command gets them as `export_options`."""

    @functools.wraps(func)
    def command(*args: Any, excel: bool, vcard_version: str | None, with_photo: bool, **kwargs: Any) -> Any:
        from cardscan.export import ExportOptions

        options = ExportOptions(excel=excel, vcard_version=int(vcard_version) if vcard_version else None,
                                with_photo=with_photo)
        return func(*args, export_options=options, **kwargs)

    decorators = [
        click.option("--excel", is_flag=True,
                     help="CSV formats: start with the byte order mark Excel needs to read UTF-8."),
        click.option("--vcard-version", type=click.Choice(["3", "4"]), default=None,
                     help="vcard: vCard 3.0 (default, read everywhere) or 4.0."),
        click.option("--with-photo", is_flag=True,
                     help="vcard: embed each card's front photo (small JPEG) as the contact picture."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def resolve_export(output: str | None, fmt: str | None, options: ExportOptions) -> str | None:
    """The output's format, with its options checked; up front, before any slow work."""
    from cardscan.export import ExportOptions, check_options, format_for

    if output is None:
        if fmt is not None or options != ExportOptions():
            raise UsageError("--format, --excel, --vcard-version and --with-photo need -o/--output")
        return None
    fmt = format_for(output, fmt)
    check_options(fmt, options)
    if output != "-" and not Path(output).parent.is_dir():
        raise OutputError(f"{output}: the folder {Path(output).parent} does not exist")
    return fmt


def export_contacts(contacts: Iterable[Contact], output: str, fmt: str, options: ExportOptions) -> int:
    """Export (to `output`, or stdout for "-"); how many contacts were written."""
    from cardscan.export import export

    try:
        return export(contacts, output, fmt, stdout=sys.stdout, options=options)
    except BrokenPipeError:
        # The reader of `-o -` has gone (`| head`): that is no failure. Click would turn it into
        # exit 1, and Python's last flush of stdout would fail again, so stdout goes to devnull.
        _stdout_to_devnull()
        return 0


def _stdout_to_devnull() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is no file (captured in tests): nothing to flush
        pass


@cli.command(name="export")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("-o", "--output", required=True, help="Output file ('-' = stdout).")
@click.option("--format", "fmt", default=None, help=FORMAT_HELP)
@export_flags
def export_(db: Path | None, output: str, fmt: str | None, export_options: ExportOptions) -> None:
    """Write the stored contacts to a file.

    The file is written whole or not at all: a failed export leaves any earlier file as it was.

    \b
    Example:
      cardscan export -o contacts.vcf
      cardscan export -o google.csv --format google
      cardscan export -o outlook.csv --format outlook --excel
      cardscan export -o contacts.vcf --vcard-version 4 --with-photo
      cardscan export -o - --format jsonl | jq .name
    """
    from cardscan.store import Store, default_db_path

    fmt = resolve_export(output, fmt, export_options)
    assert fmt is not None
    path = db or default_db_path()
    if not path.exists():
        raise InputError(path, "no store here yet; run 'cardscan import' first")
    with Store(path) as store:
        written = export_contacts(store.contacts(), output, fmt, export_options)
    if output != "-":
        stderr.print(f"exported {written} contacts to {output}", soft_wrap=True)
