"""The SQLite store: schema versions, cards and contacts, merging as cards arrive, failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cardscan import store as store_mod
from cardscan.model import Contact, Phone
from cardscan.store import Store, default_db_path


def card(card_id: str, path: str, name: str | None = "Jane Doe", emails: tuple[str, ...] = (),
         phones: tuple[str, ...] = (), **more: object) -> Contact:
    return Contact(id=card_id, name=name, emails=list(emails), phones=[Phone(number=p) for p in phones],
                   images={"front": path, "back": None}, **more)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "store.db") as opened:
        yield opened  # type: ignore[misc]


def test_a_new_store_is_at_the_latest_schema_in_wal_mode(tmp_path: Path) -> None:
    Store(tmp_path / "s.db").close()
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(store_mod.SCHEMA)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    Store(tmp_path / "s.db").close()  # opening again migrates nothing and fails nothing


def test_default_db_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CARDSCAN_DB", str(tmp_path / "mine.db"))
    assert default_db_path() == tmp_path / "mine.db"
    monkeypatch.delenv("CARDSCAN_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if store_mod.os.name == "posix" and store_mod.os.uname().sysname == "Linux":
        assert default_db_path() == tmp_path / "data" / "cardscan" / "cardscan.db"


def test_put_has_contacts_count_still_work(store: Store) -> None:
    store.put(card("a1", "a.jpg", emails=("a@x.com",)))
    store.put(card("b2", "b.jpg", name="Omar Haddad"))
    store.put(card("a1", "a.jpg", emails=("a@x.com",), title="CTO"))  # replaces
    assert store.has("a1") and not store.has("zz")
    assert store.count() == 2
    assert [(c.id, c.title) for c in store.contacts()] == [("a1", "CTO"), ("b2", None)]


def test_cards_of_one_person_become_one_contact_whatever_the_order(tmp_path: Path) -> None:
    readings = [
        (card("c1", "x/1.jpg", emails=("jane@acme.com",), title="CTO"), "h1"),
        (card("c2", "x/2.jpg", name="Omar Haddad", emails=("omar@acme.com",)), "h2"),
        (card("c3", "x/3.jpg", name=None, emails=("jane@acme.com",), phones=("+14155550132",),
              title="CEO"), "h3"),
    ]
    results = []
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        with Store(tmp_path / f"{order}.db") as store:
            outcomes = [store.add_card(readings[i][0], readings[i][1]).outcome for i in order]
            results.append([(c.to_dict(), store.conflicts(c.id)) for c in store.contacts()])
            assert store.card_count() == 3 and store.count() == 2
            assert outcomes.count("merged") == 1 and outcomes.count("new") == 2
    first = sorted(results[0], key=lambda item: item[0]["id"])
    for other in results[1:]:
        assert sorted(other, key=lambda item: item[0]["id"]) == first
    jane = next(data for data, _ in first if data["id"] == "c1")  # the first photo's id, in path order
    assert jane["title"] == "CTO" and jane["phones"][0]["number"] == "+14155550132"
    assert next(conflicts for data, conflicts in first if data["id"] == "c1") == {"title": ["CEO"]}


def test_a_card_that_links_two_contacts_merges_them_and_old_ids_resolve(store: Store) -> None:
    store.add_card(card("b", "2.jpg", name=None, emails=("jane@acme.com",)), "h2")
    store.add_card(card("c", "3.jpg", name="Jane Doe", phones=("+14155550132",)), "h3")
    assert store.count() == 2
    stored = store.add_card(card("a", "1.jpg", emails=("jane@acme.com",), phones=("+14155550132",)), "h1")
    assert stored.outcome == "merged" and stored.contact_id == "a"
    assert store.count() == 1
    assert store.resolve("b") == "a" and store.resolve("c") == "a"
    assert [p["front"] for p in store.photos("a")] == ["1.jpg", "2.jpg", "3.jpg"]


def test_is_read_knows_front_page_and_back(store: Store) -> None:
    store.add_card(card("a", "1.jpg"), "front-hash", page=0, back_hash="back-hash")
    assert store.is_read("front-hash")
    assert store.is_read("front-hash", 0, "back-hash")
    assert not store.is_read("front-hash", 0, "another-back")  # a back added later: read again
    assert not store.is_read("front-hash", 1)


def test_reading_a_card_again_replaces_it(store: Store) -> None:
    assert store.add_card(card("a", "1.jpg", title="CTO"), "h1").outcome == "new"
    assert store.add_card(card("a", "1.jpg", title="CEO"), "h1").outcome == "updated"
    assert store.card_count() == 1 and store.count() == 1
    only = store.get("a")
    assert only is not None and only.title == "CEO" and store.conflicts("a") == {}


def test_failures_are_kept_until_the_photo_reads(store: Store) -> None:
    store.record_failure("1.jpg", 0, "image file is truncated", 2)
    store.record_failure("2.jpg", 0, "empty file (0 bytes)", 2)
    assert [f["path"] for f in store.failures()] == ["1.jpg", "2.jpg"]
    store.add_card(card("a", "1.jpg"), "h1")
    assert [(f["path"], f["reason"]) for f in store.failures()] == [("2.jpg", "empty file (0 bytes)")]


def test_a_card_is_stored_whole_or_not_at_all(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_card(card("a", "1.jpg", emails=("jane@acme.com",)), "h1")

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C in the middle of a card's transaction

    monkeypatch.setattr(store, "_index", broken)
    with pytest.raises(KeyboardInterrupt):
        store.add_card(card("b", "2.jpg", emails=("jane@acme.com",)), "h2")
    monkeypatch.undo()
    assert store.card_count() == 1 and not store.is_read("h2")
    assert [p["front"] for p in store.photos("a")] == ["1.jpg"]


def test_a_reviewed_contact_leads_and_keeps_its_id(store: Store) -> None:
    store.add_card(card("b", "2.jpg", emails=("jane@acme.com",), title="CTO"), "h2")
    corrected = store.get("b")
    assert corrected is not None
    corrected.title = "Chief Technology Officer"
    store.review_save(corrected, {"title": ("CTO", "Chief Technology Officer")})

    # a card that sorts first (1.jpg) joins: the reviewed contact still leads, under its id
    stored = store.add_card(card("a", "1.jpg", emails=("jane@acme.com",), title="VP"), "h1")
    assert stored.contact_id == "b"
    merged = store.get("b")
    assert merged is not None and merged.title == "Chief Technology Officer"
    assert store.conflicts("b") == {"title": ["VP"]}
    assert [item["id"] for item in store.review_list()] == ["b"]
