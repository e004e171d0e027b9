"""Writing contacts out: csv, google, outlook, vcard, json, jsonl."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from cardscan.errors import OutputError, UsageError
from cardscan.export import formats
from cardscan.export.ics import write_ics
from cardscan.model import Contact

FORMATS = ("csv", "google", "outlook", "vcard", "json", "jsonl", "ics")
BY_SUFFIX = {".csv": "csv", ".vcf": "vcard", ".vcard": "vcard", ".json": "json", ".jsonl": "jsonl",
             ".ics": "ics"}

WRITERS: dict[str, Callable[[Iterable[Contact], IO[str]], None]] = {
    "csv": formats.write_csv,
    "json": formats.write_json,
    "jsonl": formats.write_jsonl,
    "ics": write_ics,
}


def format_for(output: str, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(output).suffix.lower()
    if output == "-" or suffix not in BY_SUFFIX:
        raise UsageError(f"cannot tell the format of {output!r} from its name; pass --format")
    return BY_SUFFIX[suffix]


def export(contacts: Iterable[Contact], output: str, fmt: str, stdout: IO[str] | None = None) -> None:
    """Write every contact to `output` (or stdout for "-"), atomically: temp file then rename."""
    if fmt not in WRITERS:
        raise UsageError(f"format {fmt!r} is not available yet")
    writer = WRITERS[fmt]
    if output == "-":
        assert stdout is not None
        writer(contacts, stdout)
        return
    target = Path(output)
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the folder {target.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer(contacts, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
