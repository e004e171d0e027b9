"""The same person twice: matching rules, merging that keeps everything, `cardscan dedupe`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardscan import dedupe
from cardscan.cli import main
from cardscan.model import Contact, Phone
from cardscan.store import Store


def person(card_id: str, name: str | None = "Jane Doe", company: str | None = "ACME Robotics",
           emails: tuple[str, ...] = (), phones: tuple[str, ...] = (), **more: object) -> Contact:
    return Contact(id=card_id, name=name, company=company, emails=list(emails),
                   phones=[Phone(number=p) for p in phones],
                   images={"front": f"{card_id}.jpg", "back": None}, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        (person("a", emails=("jane@acme.com",)), person("b", name=None, emails=("jane@acme.com",)),
         "same email jane@acme.com"),
        (person("a", phones=("+14155550132",)), person("b", name="J. Doe", phones=("+14155550132",)),
         "same phone +14155550132"),
        (person("a", company="ACME Robotics, Inc."), person("b", company="Acme robotics"),
         "same name at the same company (Jane Doe at ACME Robotics, Inc.)"),
        (person("a", name="Jane Doe", emails=("jd@x.com",)),
         person("b", name="Jane Dce", emails=("jd@x.com",)),
         "same email jd@x.com"),  # a letter of OCR noise is still the same name
    ],
)
def test_same_person(a: Contact, b: Contact, why: str) -> None:
    assert dedupe.same_person(a, b) == why


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # colleagues sharing the switchboard number
        (person("a", name="Jane Doe", phones=("+14155550100",)),
         person("b", name="Omar Haddad", phones=("+14155550100",))),
        # a role address is the whole office's
        (person("a", name=None, emails=("info@acme.com",)),
         person("b", name=None, emails=("info@acme.com",))),
        # a fax number too
        (Contact(id="a", phones=[Phone("+14155550199", "fax")]),
         Contact(id="b", phones=[Phone("+14155550199", "fax")])),
        # same name, other company, nothing shared
        (person("a", company="ACME"), person("b", company="Globex")),
    ],
)
def test_not_the_same_person(a: Contact, b: Contact) -> None:
    assert dedupe.same_person(a, b) is None


def test_merge_keeps_every_value_and_lists_conflicts_in_notes() -> None:
    first = person("a", emails=("jane@acme.com",), phones=("+14155550132",), title="CTO",
                   notes="met at booth 4")
    second = person("b", emails=("jane@acme.com", "jane.doe@gmail.com"), phones=("+14155550199",),
                    title="Chief Technology Officer", notes="wants a demo")
    third = person("c", title="cto", company="ACME ROBOTICS")  # same values, other case: no conflict

    merged, conflicts = dedupe.merge([dedupe.Reading(c) for c in (first, second, third)])

    assert merged.id == "a"
    assert merged.title == "CTO"
    assert merged.emails == ["jane@acme.com", "jane.doe@gmail.com"]
    assert [p.number for p in merged.phones] == ["+14155550132", "+14155550199"]
    assert conflicts == {"title": ["Chief Technology Officer"]}
    assert merged.notes == (
        "met at booth 4\n\nwants a demo\n\n" + dedupe.CONFLICTS_PREFIX + "title: Chief Technology Officer"
    )


def test_merging_again_does_not_repeat_the_conflicts_line() -> None:
    merged, conflicts = dedupe.merge([dedupe.Reading(person("a", title="CTO")),
                                      dedupe.Reading(person("b", title="CEO"))])
    again, conflicts_again = dedupe.merge([dedupe.Reading(merged, conflicts),
                                           dedupe.Reading(person("c", title="COO"))])
    assert conflicts_again == {"title": ["CEO", "COO"]}
    assert again.notes == dedupe.CONFLICTS_PREFIX + "title: CEO; title: COO"


def test_the_name_parts_follow_the_name_they_came_from() -> None:
    bare = person("a", name=None)
    named = person("b", name="Jane Q. Doe", given_name="Jane", middle_name="Q.", family_name="Doe")
    merged, _ = dedupe.merge([dedupe.Reading(bare), dedupe.Reading(named)])
    assert (merged.name, merged.given_name, merged.family_name) == ("Jane Q. Doe", "Jane", "Doe")


def test_groups_never_join_people_whose_names_disagree() -> None:
    # c shares a phone with a and an email with b, but a and b are other people than each other
    items = [
        ("a", person("a", name="Jane Doe", phones=("+14155550100",))),
        ("b", person("b", name="Omar Haddad", emails=("o@acme.com",))),
        ("c", person("c", name=None, phones=("+14155550100",), emails=("o@acme.com",))),
        ("d", person("d", name="Jane Doe", company="ACME Robotics")),
    ]
    groups = dedupe.groups(items)
    assert groups == [
        [("a", None), ("d", "same name at the same company (Jane Doe at ACME Robotics)")],
        [("b", None), ("c", "same email o@acme.com")],  # c joins one of them, never both
    ]


def test_dedupe_command_dry_run_then_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cards.db"
    with Store(db) as store:  # stored as they are (put does not merge), as an older import would
        store.put(person("a1", emails=("jane@acme.com",), title="CTO"))
        store.put(person("b2", name="J. Doe", emails=("jane@acme.com",), title="CEO"))
        store.put(person("c3", name="Omar Haddad", emails=("omar@acme.com",)))

    assert main(["dedupe", "--db", str(db), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "would merge: Jane Doe <jane@acme.com> [a1, 0 photos]",
        "  + J. Doe <jane@acme.com> [b2, 0 photos] (same email jane@acme.com)",
    ]
    assert "3 contacts: 1 would merge into 1 (dry run: nothing changed)" in err
    with Store(db) as store:
        assert store.count() == 3

    assert main(["dedupe", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("merged: Jane Doe")
    with Store(db) as store:
        assert store.count() == 2
        merged = store.get("b2")  # the merged-away id still finds the contact
        assert merged is not None and merged.id == "a1"
        assert merged.title == "CTO" and store.conflicts("a1") == {"title": ["CEO"]}
    assert main(["dedupe", "--db", str(db), "--dry-run"]) == 0
    assert capsys.readouterr().out == ""
