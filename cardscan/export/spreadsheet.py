"""What every CSV cardscan writes shares: fixed columns, and cells a spreadsheet cannot run.

A cell that starts with `=`, `+`, `-` or `@` (or a tab, CR or LF before one) is a formula to
Excel, LibreOffice and Google Sheets: `=HYPERLINK(...)` on a card's back could phone home when
the export is opened. OWASP's advice is to prefix such a cell with `'`, which every spreadsheet
shows as text. The one exception is a phone column holding E.164 numbers only (`+14155550132`,
or several joined with Google's ` ::: `): the importers need them verbatim, and a `+` followed
by digits is a number to a spreadsheet, never a formula that calls anything.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import IO

# The full-width forms too: Excel with an East Asian input method reads `＝1+1` as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

E164 = r"\+[1-9][0-9]{1,14}"
_PHONES_ONLY = re.compile(rf"{E164}(?: ::: {E164})*")


def inert(value: str, phone: bool = False) -> str:
    """The cell as a spreadsheet will show it but never evaluate it.

    `phone` marks a phone column, where E.164 numbers (alone or joined with ` ::: `) stay as they are.
    """
    if not value.startswith(FORMULA_STARTS):
        return value
    if phone and _PHONES_ONLY.fullmatch(value):
        return value
    return "'" + value


def write_table(
    out: IO[str],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    phone_columns: Collection[str] = (),
) -> None:
    """Write the header and one row per mapping, every cell made inert.

    CRLF line ends and minimal quoting, as RFC 4180, Excel, Google and Outlook all read them.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([inert(row.get(column) or "", phone=column in phone_columns) for column in columns])


Labelled = tuple[str, str]


def fill_slots(items: Sequence[Labelled], slots: int) -> tuple[list[Labelled], list[Labelled]]:
    """Spread labelled values over a fixed number of (label, value) column groups, Google style.

    Values that share a label may share a slot, joined with ` ::: ` (as Google's own export does),
    but only once every value has had a slot of its own; labels left without a slot come back
    as the overflow, for the caller to keep somewhere else (the notes).
    """
    groups: list[tuple[str, list[str]]] = []
    for label, value in items:
        if not value:
            continue
        for group_label, values in groups:
            if group_label == label:
                values.append(value)
                break
        else:
            groups.append((label, [value]))
    # While slots are spare, give a value of a shared label a slot of its own.
    index = 0
    while len(groups) < slots and index < len(groups):
        label, values = groups[index]
        if len(values) > 1:
            groups.insert(index, (label, [values.pop(0)]))
        index += 1
    filled = [(label, " ::: ".join(values)) for label, values in groups[:slots]]
    overflow = [(label, value) for label, values in groups[slots:] for value in values]
    return filled, overflow
