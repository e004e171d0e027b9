"""Writing contacts out: csv, google, outlook, vcard, json, jsonl.

A format is a writer `(contacts, text_stream) -> None` registered in WRITERS (and, when a file
suffix implies it, in BY_SUFFIX). `export` picks the writer, adds what the options ask for, and
writes atomically: to a temporary file beside the output, renamed into place only once complete,
so a failed export never leaves a half-written file or clobbers the previous one.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from cardscan.errors import OutputError, UsageError
from cardscan.export import formats, google, outlook, vcard
from cardscan.export.ics import write_ics
from cardscan.model import Contact

FORMATS = ("csv", "google", "outlook", "vcard", "json", "jsonl", "ics")
BY_SUFFIX = {".csv": "csv", ".vcf": "vcard", ".vcard": "vcard", ".json": "json", ".jsonl": "jsonl",
             ".ics": "ics"}

Writer = Callable[[Iterable[Contact], IO[str]], None]

WRITERS: dict[str, Writer] = {
    "csv": formats.write_csv,
    "google": google.write_google,
    "outlook": outlook.write_outlook,
    "vcard": vcard.write_vcard,
    "json": formats.write_json,
    "jsonl": formats.write_jsonl,
    "ics": write_ics,
}
SPREADSHEET_FORMATS = frozenset({"csv", "google", "outlook"})
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
EXCEL_BOM = "\ufeff"


@dataclass(frozen=True)
class ExportOptions:
    """What `cardscan export` / `import -o` may ask of a format beyond its defaults."""

    excel: bool = False  # spreadsheet formats: start with the BOM Excel needs for UTF-8
    vcard_version: int | None = None  # vcard: 3 (the default) or 4
    with_photo: bool = False  # vcard: embed the card's front photo


# Keyword arguments a writer takes from the options, per format.
WRITER_OPTIONS: dict[str, Callable[[ExportOptions], dict[str, Any]]] = {
    "vcard": lambda o: {"version": o.vcard_version or 3, "with_photo": o.with_photo},
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


def check_options(fmt: str, options: ExportOptions) -> None:
    """UsageError for an option the format would silently ignore."""
    if options.excel and fmt not in SPREADSHEET_FORMATS:
        raise UsageError(f"--excel applies to the CSV formats ({', '.join(sorted(SPREADSHEET_FORMATS))}), "
                         f"not {fmt}")
    if fmt != "vcard" and (options.vcard_version is not None or options.with_photo):
        raise UsageError(f"--vcard-version and --with-photo apply to the vcard format, not {fmt}")
    if options.vcard_version not in (None, *vcard.VERSIONS):
        raise UsageError(f"--vcard-version must be 3 or 4, not {options.vcard_version}")


def export(contacts: Iterable[Contact], output: str, fmt: str, stdout: IO[str] | None = None,
           options: ExportOptions | None = None) -> int:
    """Write every contact to `output` (or `stdout` for "-"); returns how many were written.

    OutputError (exit 5) when the output cannot be written; the output is then left as it was.
    """
    if fmt not in WRITERS:
        raise UsageError(f"format {fmt!r} is not available yet")
    options = options or ExportOptions()
    check_options(fmt, options)
    writer = WRITERS[fmt]
    if fmt in WRITER_OPTIONS:
        writer = cast(Writer, partial(cast(Callable[..., None], writer), **WRITER_OPTIONS[fmt](options)))
    counted = _Counted(contacts)

    def write(out: IO[str]) -> None:
        if options.excel:
            out.write(EXCEL_BOM)
        writer(counted, out)

    if output == "-":
        assert stdout is not None
        _write_stdout(write, stdout)
    else:
        _write_atomically(write, Path(output))
    return counted.count


class _Counted(Iterable[Contact]):
    def __init__(self, contacts: Iterable[Contact]) -> None:
        self._contacts = contacts
        self.count = 0

    def __iter__(self) -> Iterator[Contact]:
        for contact in self._contacts:
            self.count += 1
            yield contact


class _Utf8Stream:
    """Text to a binary stream as UTF-8, newlines untouched (CRLF stays CRLF on Windows too)."""

    def __init__(self, buffer: IO[bytes]) -> None:
        self._buffer = buffer

    def write(self, text: str) -> int:
        self._buffer.write(text.encode("utf-8"))
        return len(text)


def _write_stdout(write: Callable[[IO[str]], None], stdout: IO[str]) -> None:
    buffer = getattr(stdout, "buffer", None)
    try:
        if buffer is None:
            write(stdout)
            stdout.flush()
        else:
            stdout.flush()
            write(cast(IO[str], _Utf8Stream(buffer)))
            buffer.flush()
    except BrokenPipeError:
        raise  # the reader has gone (`| head`): not a failure, the CLI exits quietly
    except OSError as exc:
        raise OutputError(f"standard output: cannot write: {exc.strerror or exc}") from exc


def _write_atomically(write: Callable[[IO[str]], None], target: Path) -> None:
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the folder {target.parent} does not exist")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        # 0o666 less the umask, as for any new file (mkstemp's 0o600 would hide the export).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if target.exists():  # replacing an export: keep the permissions it was given
                os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        _sync_folder(target.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (POSIX; a no-op where folders can't be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
