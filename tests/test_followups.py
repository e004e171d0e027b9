"""met_on from EXIF, follow_up_on, and who is due."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
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


def _store(tmp_path):
    from cardscan.store import Store

    db = tmp_path / "cards.db"
    with Store(db) as store:
        store.put(Contact(id="a1", name="Anna Berg", company="Nordwind GmbH", emails=["anna@nordwind.de"],
                          notes="Met at the expo\nsend pricing Friday", event="Expo 2026",
                          follow_up_on="2026-05-04"))
        store.put(Contact(id="b2", name="Bo Chen", notes="[urgent] call re: Q3", follow_up_on="2026-05-02"))
        store.put(Contact(id="c3", name="Cy Later", follow_up_on="2026-06-30"))
        store.put(Contact(id="d4", name="No Date"))
    return db


def test_cli_followups_due_lists_who_is_due_soonest_first_with_notes(tmp_path, capsys) -> None:
    from cardscan.cli import main

    db = _store(tmp_path)
    assert main(["followups", "--db", str(db), "--due", "--as-of", "2026-05-04", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["notes"]) for c in listed] == [
        ("Bo Chen", "[urgent] call re: Q3"), ("Anna Berg", "Met at the expo\nsend pricing Friday"),
    ]
    assert main(["followups", "--db", str(db), "--due", "--as-of", "2026-05-04"]) == 0
    table = capsys.readouterr().out
    assert "Bo Chen" in table and "[urgent] call re: Q3" in table and "Anna Berg" in table
    assert table.index("Bo Chen") < table.index("Anna Berg")
    assert "Cy Later" not in table and "No Date" not in table
    assert main(["followups", "--db", str(db)]) == 0
    assert "Cy Later" in capsys.readouterr().out


def test_cli_followups_nothing_due_and_bad_input(tmp_path, capsys) -> None:
    from cardscan.cli import main

    db = _store(tmp_path)
    assert main(["followups", "--db", str(db), "--due", "--as-of", "2026-01-01"]) == 0
    assert "Nobody to follow up with as of 2026-01-01" in capsys.readouterr().out
    assert main(["followups", "--db", str(db), "--as-of", "May 4"]) == 1
    assert "--as-of" in capsys.readouterr().err
    assert main(["followups", "--db", str(tmp_path / "none.db")]) == 2


def test_ics_has_one_all_day_reminder_per_follow_up(tmp_path) -> None:
    import vobject

    from cardscan.export import export, format_for
    from cardscan.store import Store

    out = tmp_path / "followups.ics"
    with Store(_store(tmp_path)) as store:
        export(store.contacts(), str(out), format_for(str(out), None))
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = vobject.readOne(raw.decode("utf-8"))
    events = cal.vevent_list
    assert [e.summary.value for e in events] == [
        "Follow up: Bo Chen", "Follow up: Anna Berg (Nordwind GmbH)", "Follow up: Cy Later",
    ]
    anna = events[1]
    assert anna.dtstart.value == date(2026, 5, 4)
    assert anna.uid.value == "a1-follow-up@cardscan"
    assert anna.description.value.startswith("Met at the expo\nsend pricing Friday\n\nanna@nordwind.de")
    assert "Met at Expo 2026" in anna.description.value
    assert anna.categories.value == ["Expo 2026"]
    assert anna.valarm.trigger.value == timedelta(hours=9)


def test_ics_folds_long_lines_on_character_boundaries() -> None:
    from cardscan.export.ics import escape, fold

    text = "Notiz: Grüße, " + "ü" * 80
    folded = fold("DESCRIPTION:" + escape(text))
    lines = folded.encode("utf-8").split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert "".join(line.decode("utf-8")[1:] if i else line.decode("utf-8")
                   for i, line in enumerate(lines)) == "DESCRIPTION:Notiz: Grüße\\, " + "ü" * 80


@pytest.mark.tesseract
def test_import_with_event_then_followups_due_lists_the_notes(samples_dir, tmp_path, capsys) -> None:
    """The issue's acceptance on a small copy of the samples: a handwritten back, a sidecar."""
    import shutil

    from cardscan.cli import main
    from cardscan.evaluate import token_f1

    truth = json.loads((samples_dir / "truth" / "card-023.json").read_text(encoding="utf-8"))
    expo = tmp_path / "expo"
    expo.mkdir()
    for name in ("card-023.jpg", "card-023-back.jpg", "card-002.jpg"):
        shutil.copy(samples_dir / name, expo / name)
    (expo / "card-002.txt").write_text("Asked for the 2026 catalogue\n", encoding="utf-8")
    db = tmp_path / "cards.db"
    args = ["import", str(expo), "--db", str(db), "--event", "Expo 2026", "--workers", "1", "-q"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["followups", "--db", str(db), "--due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # no EXIF date: due 3 days after the import
    as_of = (date.today() + timedelta(days=3)).isoformat()
    assert main(["followups", "--db", str(db), "--due", "--as-of", as_of, "--json"]) == 0
    due = {Path(c["images"]["front"]).name: c for c in json.loads(capsys.readouterr().out)}
    assert set(due) == {"card-023.jpg", "card-002.jpg"}
    assert token_f1(truth["notes"], due["card-023.jpg"]["notes"]) >= 0.8
    assert due["card-002.jpg"]["notes"] == "Asked for the 2026 catalogue"
    assert {c["event"] for c in due.values()} == {"Expo 2026"}
    assert {c["follow_up_on"] for c in due.values()} == {as_of}
    assert due["card-023.jpg"]["images"]["back"].endswith("card-023-back.jpg")
