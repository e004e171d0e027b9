"""met_on from EXIF, follow_up_on, and who is due."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
from PIL import Image

from cardscan.followups import exif_date, follow_up_on, followups, parse_exif_date, set_dates
from cardscan.model import Contact


def jpeg(exif_tags: dict[int, str] | None = None, sub_tags: dict[int, str] | None = None) -> bytes:
    img = Image.fromarray(np.full((40, 60, 3), 255, np.uint8))
    exif = Image.Exif()
    for tag, value in (exif_tags or {}).items():
        exif[tag] = value
    for tag, value in (sub_tags or {}).items():
        exif.get_ifd(0x8769)[tag] = value
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def test_exif_date_prefers_date_time_original() -> None:
    data = jpeg({306: "2025:01:02 10:00:00"}, {36867: "2024:12:31 23:59:59"})
    assert exif_date(data) == date(2024, 12, 31)
    assert exif_date(jpeg({306: "2025:01:02 10:00:00"})) == date(2025, 1, 2)


def test_no_or_unset_exif_date_is_none() -> None:
    assert exif_date(jpeg()) is None
    assert exif_date(jpeg(sub_tags={36867: "0000:00:00 00:00:00"})) is None
    assert exif_date(b"not an image") is None
    assert parse_exif_date("2026:02:30 10:00:00") is None
    assert parse_exif_date(b"2026:02:03 10:00:00") == date(2026, 2, 3)


def test_follow_up_counts_from_met_on_else_from_today() -> None:
    assert follow_up_on(date(2026, 2, 27), 3) == date(2026, 3, 2)
    assert follow_up_on(None, 3, today=date(2026, 12, 30)) == date(2027, 1, 2)


def test_set_dates_without_exif_uses_the_import_day() -> None:
    contact = Contact()
    set_dates(contact, jpeg(), 3, today=date(2026, 5, 1))
    assert (contact.met_on, contact.follow_up_on) == (None, "2026-05-04")


def test_followups_soonest_first_and_due_as_of() -> None:
    people = [
        Contact(id="c", name="Carla", follow_up_on="2026-05-09"),
        Contact(id="a", name="anna", follow_up_on="2026-05-04"),
        Contact(id="b", name="Bert", follow_up_on="2026-05-04"),
        Contact(id="n", name="No date"),
        Contact(id="x", name="Broken", follow_up_on="soon"),
    ]
    assert [f.contact.id for f in followups(people)] == ["a", "b", "c"]
    due = followups(people, as_of=date(2026, 5, 4), due_only=True)
    assert [f.contact.id for f in due] == ["a", "b"]
    assert followups(people, as_of=date(2026, 5, 3), due_only=True) == []
