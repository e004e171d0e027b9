"""When you met, when to follow up, and who is due: the dates a contact carries.

- `met_on` is the front photo's EXIF date (DateTimeOriginal, else DateTimeDigitized, else
  DateTime), or None: a file's modification time says when it was copied, not when you met.
- `follow_up_on` is `met_on` + the follow-up delay; with no `met_on`, the import day is the base,
  so that a freshly imported stack of cards still comes up as due.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image

from cardscan.model import Contact

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 36867
DATE_TIME_DIGITIZED = 36868
DATE_TIME = 306
EXIF_DATE_RE = re.compile(r"^\s*(\d{4})[:-](\d{2})[:-](\d{2})")


def exif_date(data: bytes) -> date | None:
    """The day the photo was taken, from its EXIF tags; None when absent or unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            exif = im.getexif()
            sub = exif.get_ifd(EXIF_IFD)
            values = [sub.get(DATE_TIME_ORIGINAL), sub.get(DATE_TIME_DIGITIZED), exif.get(DATE_TIME)]
    except Exception:  # a photo without readable EXIF simply has no date
        return None
    for value in values:
        parsed = parse_exif_date(value)
        if parsed is not None:
            return parsed
    return None


def parse_exif_date(value: object) -> date | None:
    """`2026:03:14 09:26:53` -> 2026-03-14; cameras write `0000:00:00 00:00:00` when unset."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    m = EXIF_DATE_RE.match(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def follow_up_on(met_on: date | None, days: int, today: date | None = None) -> date:
    """The day to follow up: `days` after the meeting, or after `today` when it is unknown."""
    return (met_on or today or date.today()) + timedelta(days=days)


def set_dates(contact: Contact, front_bytes: bytes, follow_up_days: int, today: date | None = None) -> None:
    """Fill `met_on` from the photo and `follow_up_on` from it (ISO dates, as the contract says)."""
    met = exif_date(front_bytes)
    contact.met_on = met.isoformat() if met else None
    contact.follow_up_on = follow_up_on(met, follow_up_days, today).isoformat()


@dataclass(frozen=True)
class FollowUp:
    contact: Contact
    on: date

    def is_due(self, as_of: date) -> bool:
        return self.on <= as_of


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def followups(
    contacts: Iterable[Contact], as_of: date | None = None, due_only: bool = False
) -> list[FollowUp]:
    """Contacts that have a follow-up date, soonest first (then by name); with `due_only`, only
    those whose date is on or before `as_of` (default today)."""
    as_of = as_of or date.today()
    found = []
    for contact in contacts:
        on = _iso(contact.follow_up_on)
        if on is None or (due_only and on > as_of):
            continue
        found.append(FollowUp(contact, on))
    found.sort(key=lambda f: (f.on, (f.contact.name or f.contact.company or "").casefold(), f.contact.id))
    return found
