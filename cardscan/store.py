"""The SQLite store: every card read, the contacts they make, and what failed.

One file (stdlib `sqlite3`, WAL journal), its schema versioned by `PRAGMA user_version` and
migrated forward on open (`SCHEMA` holds one script per version; add new ones at the end).

- `cards`: one row per card read, keyed by the contract id of its front photo, with the sha256
  of its front (and back) photo's bytes, the paths as found, and that card's own reading (the
  contact JSON as the pipeline made it). A photo whose hash is here is never read again (unless
  `--force`): re-running an import does no OCR work for cards already stored.
- `contacts`: one row per person. `data` is the contact JSON of CONTRACT.md, merged from the
  readings of every card of that person (see `cardscan.dedupe`); its id is the id of the
  person's first card in path order. `conflicts` holds, per single-valued field, the other
  values read on other cards (also written into `notes`, so exports show them).
- `contact_keys`: the emails, phones and name+company each contact is found by.
- `merges`: which contact id was merged into which, and why (`Store.resolve` follows it).
- `failures`: photos that could not be read, with the reason; retried on the next import, and
  forgotten once they read.

Each card is committed in one transaction, as it finishes: an import stopped by Ctrl-C or
`kill -9` loses at most the cards in flight, and running it again finishes it.

A contact's data is recomputed from its cards when a card joins it, except once reviewed
(`review_status`): then the reviewed data leads and new cards only add to it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardscan import dedupe
from cardscan.errors import OutputError
from cardscan.model import Contact

SCHEMA = [
    # version 1
    """
    CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        front_path TEXT NOT NULL,
        back_path TEXT,
        data TEXT NOT NULL,
        conflicts TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
    );
    CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        front_hash TEXT NOT NULL,
        page INTEGER NOT NULL DEFAULT 0,
        back_hash TEXT,
        front_path TEXT NOT NULL,
        back_path TEXT,
        contact_id TEXT NOT NULL,
        data TEXT NOT NULL,
        read_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
    );
    CREATE UNIQUE INDEX cards_front ON cards (front_hash, page);
    CREATE INDEX cards_contact ON cards (contact_id);
    CREATE TABLE contact_keys (
        key TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        PRIMARY KEY (key, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX contact_keys_contact ON contact_keys (contact_id);
    CREATE TABLE merges (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        into_id TEXT NOT NULL,
        from_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        merged_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
    );
    CREATE INDEX merges_from ON merges (from_id);
    CREATE TABLE failures (
        path TEXT NOT NULL,
        page INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        failed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
        PRIMARY KEY (path, page)
    );
    """,
    # review (cardscan review): the machine's first reading, each correction, reviewed marks
    """
    CREATE TABLE IF NOT EXISTS review_machine (
        contact_id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        saved_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE IF NOT EXISTS review_corrections (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id TEXT NOT NULL,
        field TEXT NOT NULL,
        machine TEXT,
        corrected TEXT,
        saved_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE INDEX IF NOT EXISTS review_corrections_contact ON review_corrections (contact_id);
    CREATE TABLE IF NOT EXISTS review_status (
        contact_id TEXT PRIMARY KEY,
        reviewed_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
    # version 3 (import): each photo's hash by path, size and mtime, so that importing a big
    # folder again re-reads (hashes) only the files that changed
    """
    CREATE TABLE IF NOT EXISTS file_hashes (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    """,
]


def default_db_path() -> Path:
    """$CARDSCAN_DB, else `cardscan/cardscan.db` in the user's data folder."""
    env = os.environ.get("CARDSCAN_DB")
    if env:
        return Path(env)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif os.uname().sysname == "Darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cardscan" / "cardscan.db"


@dataclass
class Stored:
    """What storing one card did: `new` contact, `merged` into one, or `updated` (read again)."""

    outcome: str
    contact_id: str
    why: str | None = None  # for `merged`: what the card shares with the contact


_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


class Store:
    """The store at `path` (created, and migrated to the current schema, on open).

    The first version's API still works: `put(contact)` stores a contact as it is, `has(id)`,
    `contacts()`, `count()`. Imports use `is_read`, `add_card` and `record_failure`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a committed card survives the process being killed;
            # only a power cut can lose the last few, and never corrupts the file.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{path}: cannot open the store: {exc}") from exc
        self._references = self._contact_references()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, statement in enumerate(SCHEMA[version:], start=version + 1):
            with self.db:
                self.db.executescript(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    def _contact_references(self) -> list[str]:
        """Tables (other than the import's own) holding a `contact_id` that follows merges."""
        tables = [name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            table for table in tables
            if table not in ("cards", "contact_keys")
            and any(column[1] == "contact_id" for column in self.db.execute(f"PRAGMA table_info({table})"))
        ]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction, taking the write lock up front; rolled back on any exception,
        Ctrl-C included."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    # --- reading -------------------------------------------------------------------------
    def has(self, contact_id: str) -> bool:
        """True when a card or a contact has this id (the contract id of a front photo)."""
        return self.db.execute(
            "SELECT 1 FROM cards WHERE id = ? UNION ALL SELECT 1 FROM contacts WHERE id = ?",
            (contact_id, contact_id),
        ).fetchone() is not None

    def is_read(self, front_hash: str, page: int = 0, back_hash: str | None = None) -> bool:
        """True when this front photo (page) has been read, with this back photo if one is given."""
        row = self.db.execute(
            "SELECT back_hash FROM cards WHERE front_hash = ? AND page = ?", (front_hash, page)
        ).fetchone()
        return row is not None and (back_hash is None or row[0] == back_hash)

    def resolve(self, contact_id: str) -> str:
        """The id a contact has now: follows merges from an id that was merged away."""
        seen = {contact_id}
        while True:
            row = self.db.execute(
                "SELECT into_id FROM merges WHERE from_id = ? ORDER BY seq DESC LIMIT 1", (contact_id,)
            ).fetchone()
            exists = self.db.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone()
            if exists or row is None or row[0] in seen:
                return contact_id
            contact_id = row[0]
            seen.add(contact_id)

    def get(self, contact_id: str) -> Contact | None:
        """The contact with this id, or the one it was merged into; None when unknown."""
        row = self.db.execute(
            "SELECT data FROM contacts WHERE id = ?", (self.resolve(contact_id),)
        ).fetchone()
        return Contact.from_dict(json.loads(row[0])) if row else None

    def conflicts(self, contact_id: str) -> dict[str, list[Any]]:
        """The other values read for a contact's single-valued fields, by field."""
        row = self.db.execute("SELECT conflicts FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def contacts(self) -> Iterator[Contact]:
        """Every contact, in the order they were first stored."""
        for (data,) in self.db.execute("SELECT data FROM contacts ORDER BY created_at, front_path, id"):
            yield Contact.from_dict(json.loads(data))

    def contact_items(self) -> Iterator[tuple[str, Contact]]:
        for contact_id, data in self.db.execute(
            "SELECT id, data FROM contacts ORDER BY created_at, front_path, id"
        ):
            yield contact_id, Contact.from_dict(json.loads(data))

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM contacts").fetchone()[0])

    def card_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0])

    def photos(self, contact_id: str) -> list[dict[str, Any]]:
        """The cards of a contact: id, front/back path, page, in path order."""
        rows = self.db.execute(
            "SELECT id, front_path, back_path, page FROM cards WHERE contact_id = ? "
            "ORDER BY front_path, page, id",
            (contact_id,),
        )
        return [{"id": i, "front": f, "back": b, "page": p} for i, f, b, p in rows]

    def failures(self) -> list[dict[str, Any]]:
        """Photos whose last reading failed, by path: path, page, reason, exit_code, failed_at."""
        rows = self.db.execute(
            "SELECT path, page, reason, exit_code, failed_at FROM failures ORDER BY path, page"
        )
        return [{"path": p, "page": n, "reason": r, "exit_code": c, "failed_at": at}
                for p, n, r, c, at in rows]

    def known_hash(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The sha256 remembered for this file, if its size and mtime are unchanged since."""
        row = self.db.execute(
            "SELECT hash FROM file_hashes WHERE path = ? AND size = ? AND mtime_ns = ?",
            (path, size, mtime_ns),
        ).fetchone()
        return row[0] if row else None

    # --- writing -------------------------------------------------------------------------
    def remember_hash(self, path: str, size: int, mtime_ns: int, digest: str) -> None:
        with self._write():
            self.db.execute(
                "INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, hash) VALUES (?, ?, ?, ?)",
                (path, size, mtime_ns, digest),
            )

    def put(self, contact: Contact) -> None:
        """Store a contact as it is (replacing one with its id), with no card behind it."""
        with self._write():
            self._save(contact, {}, created_at=None)
            self._index(contact.id, [contact])

    def record_failure(self, path: str, page: int, reason: str, exit_code: int) -> None:
        with self._write():
            self.db.execute(
                f"INSERT OR REPLACE INTO failures (path, page, reason, exit_code, failed_at) "
                f"VALUES (?, ?, ?, ?, {_NOW})",
                (path, page, reason, exit_code),
            )

    def add_card(self, contact: Contact, front_hash: str, page: int = 0,
                 back_hash: str | None = None) -> Stored:
        """Store one card's reading (`contact`, whose id is the card's id) in one transaction:
        as a new contact, or merged into the contact(s) of the same person."""
        front_path = contact.images.get("front") or ""
        back_path = contact.images.get("back")
        with self._write():
            old = self.db.execute(
                "SELECT contact_id FROM cards WHERE id = ? OR (front_hash = ? AND page = ?)",
                (contact.id, front_hash, page),
            ).fetchall()
            previous = {row[0] for row in old}
            self.db.execute(
                "DELETE FROM cards WHERE id = ? OR (front_hash = ? AND page = ?)",
                (contact.id, front_hash, page),
            )
            self.db.execute(
                "INSERT INTO cards (id, front_hash, page, back_hash, front_path, back_path, contact_id, "
                "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (contact.id, front_hash, page, back_hash, front_path, back_path, contact.id,
                 json.dumps(contact.to_dict(), ensure_ascii=False)),
            )
            self.db.execute("DELETE FROM failures WHERE path = ? AND page = ?", (front_path, page))
            matches = self._matches(contact)
            group = [contact.id, *[m for m in matches if m != contact.id]]
            merged_id = self._rebuild(group, matches)
            for stale in sorted(previous - set(group)):
                if self._has_cards(stale):
                    self._rebuild([stale], {})
                else:
                    self._drop(stale, merged_id)
        if any(m != contact.id for m in matches):
            return Stored("merged", merged_id, next(iter(matches.values())))
        return Stored("updated" if old else "new", merged_id)

    def merge(self, contact_ids: list[str], reasons: dict[str, str] | None = None) -> str:
        """Make one contact of several (as `cardscan dedupe` does), logging each id merged away
        with its reason; returns the id it keeps."""
        with self._write():
            return self._rebuild(contact_ids, reasons or {})

    # --- merging -------------------------------------------------------------------------
    def _has_cards(self, contact_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM cards WHERE contact_id = ?", (contact_id,)).fetchone()
        return row is not None

    def _matches(self, contact: Contact) -> dict[str, str]:
        """Stored contacts that are the same person as `contact`, each with the reason."""
        keys = sorted(dedupe.match_keys(contact))
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        ids = [row[0] for row in self.db.execute(
            f"SELECT DISTINCT contact_id FROM contact_keys WHERE key IN ({marks}) ORDER BY contact_id", keys
        )]
        found: dict[str, str] = {}
        for contact_id in ids:
            row = self.db.execute("SELECT data FROM contacts WHERE id = ?", (contact_id,)).fetchone()
            if row is None:
                continue
            why = dedupe.same_person(Contact.from_dict(json.loads(row[0])), contact)
            if why is not None:
                found[contact_id] = why
        return found

    def _reviewed(self, contact_ids: list[str]) -> set[str]:
        if "review_status" not in self._references:
            return set()
        marks = ",".join("?" * len(contact_ids))
        rows = self.db.execute(
            f"SELECT contact_id FROM review_status WHERE contact_id IN ({marks})", contact_ids
        )
        return {row[0] for row in rows}

    def _rebuild(self, group: list[str], reasons: dict[str, str]) -> str:
        """One contact from the contacts (and cards) with the ids in `group`; returns its id.

        The readings merge in this order: reviewed contacts as they stand, then every card in
        path order (a contact with no cards, stored by `put`, counts as one card at its path).
        """
        marks = ",".join("?" * len(group))
        rows = self.db.execute(
            f"SELECT id, data, conflicts, created_at, front_path FROM contacts WHERE id IN ({marks})", group
        ).fetchall()
        stored = {r[0]: r for r in rows}
        reviewed = self._reviewed(group)
        cards = self.db.execute(
            f"SELECT id, front_path, page, data, contact_id FROM cards WHERE contact_id IN ({marks})", group
        ).fetchall()
        with_cards = {c[4] for c in cards}
        leading: list[tuple[str, dedupe.Reading]] = []
        ordered: list[tuple[tuple[str, int, str], str, dedupe.Reading]] = []
        for contact_id in group:
            row = stored.get(contact_id)
            if row is None or (contact_id not in reviewed and contact_id in with_cards):
                continue
            reading = dedupe.Reading(Contact.from_dict(json.loads(row[1])), json.loads(row[2]))
            if contact_id in reviewed:
                leading.append((contact_id, reading))
            else:
                ordered.append(((row[4], 0, contact_id), contact_id, reading))
        for card_id, front_path, page, data, owner in cards:
            if owner not in reviewed:
                reading = dedupe.Reading(Contact.from_dict(json.loads(data)))
                ordered.append(((front_path, page, card_id), card_id, reading))
        ordered.sort(key=lambda item: item[0])
        readings = leading + [(card_id, reading) for _, card_id, reading in ordered]
        if not readings:
            raise ValueError(f"no contact or card with the ids {group}")
        merged, conflicts = dedupe.merge([reading for _, reading in readings])
        merged.id = readings[0][0]
        created = [r[3] for r in rows]
        for contact_id in group:
            if contact_id != merged.id:
                self._rekey(contact_id, merged.id, reasons.get(contact_id) or "merged")
        self._save(merged, conflicts, created_at=min(created) if created else None)
        self.db.execute(f"UPDATE cards SET contact_id = ? WHERE contact_id IN ({marks})", [merged.id, *group])
        self._index(merged.id, [reading.contact for _, reading in readings])
        return merged.id

    def _save(self, contact: Contact, conflicts: dict[str, list[Any]], created_at: str | None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO contacts "
            "(id, front_path, back_path, data, conflicts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
            f"COALESCE(?, (SELECT created_at FROM contacts WHERE id = ?), {_NOW}), {_NOW})",
            (contact.id, contact.images.get("front") or "", contact.images.get("back"),
             json.dumps(contact.to_dict(), ensure_ascii=False),
             json.dumps(conflicts, ensure_ascii=False), created_at, contact.id),
        )

    def _index(self, contact_id: str, readings: list[Contact]) -> None:
        self.db.execute("DELETE FROM contact_keys WHERE contact_id = ?", (contact_id,))
        keys = set().union(*(dedupe.match_keys(c) for c in readings))
        self.db.executemany(
            "INSERT OR IGNORE INTO contact_keys (key, contact_id) VALUES (?, ?)",
            [(key, contact_id) for key in sorted(keys)],
        )

    def _rekey(self, old: str, new: str, why: str) -> None:
        """`old` is now part of `new`: its row goes, references follow, the merge is logged."""
        existed = self.db.execute("DELETE FROM contacts WHERE id = ?", (old,)).rowcount
        self.db.execute("DELETE FROM contact_keys WHERE contact_id = ?", (old,))
        for table in self._references:
            self.db.execute(f"UPDATE OR IGNORE {table} SET contact_id = ? WHERE contact_id = ?", (new, old))
            self.db.execute(f"DELETE FROM {table} WHERE contact_id = ?", (old,))
        if existed or why != "merged":
            self.db.execute("INSERT INTO merges (into_id, from_id, reason) VALUES (?, ?, ?)", (new, old, why))

    def _drop(self, contact_id: str, successor: str) -> None:
        """A contact left with no card (its only card was read again and went elsewhere)."""
        if self._reviewed([contact_id]):
            return
        self._rekey(contact_id, successor, "read again")

    # --- review --- (cardscan review, issue 11: corrections keep the machine's reading)
    def review_get(self, contact_id: str) -> Contact | None:
        """The contact as the page shows it (following merges, like `get`)."""
        return self.get(contact_id)

    def review_reviewed_at(self, contact_id: str) -> str | None:
        row = self.db.execute(
            "SELECT reviewed_at FROM review_status WHERE contact_id = ?", (contact_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def review_save(self, contact: Contact, corrections: dict[str, tuple[Any, Any]]) -> None:
        """Store the corrected contact and mark it reviewed; each `field: (machine, corrected)` is
        kept as a correction, and the machine's whole first reading is kept once, before any edit."""
        with self._write():
            self.db.execute(
                "INSERT OR IGNORE INTO review_machine (contact_id, data) "
                "SELECT id, data FROM contacts WHERE id = ?",
                (contact.id,),
            )
            self.db.executemany(
                "INSERT INTO review_corrections (contact_id, field, machine, corrected) VALUES (?, ?, ?, ?)",
                [(contact.id, name, json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False))
                 for name, (old, new) in corrections.items()],
            )
            self.db.execute(
                f"UPDATE contacts SET data = ?, back_path = ?, updated_at = {_NOW} WHERE id = ?",
                (json.dumps(contact.to_dict(), ensure_ascii=False), contact.images.get("back"), contact.id),
            )
            # A corrected email or phone finds this person too (the misread keys stay, harmless).
            self.db.executemany(
                "INSERT OR IGNORE INTO contact_keys (key, contact_id) VALUES (?, ?)",
                [(key, contact.id) for key in sorted(dedupe.match_keys(contact))],
            )
            self.db.execute("INSERT OR REPLACE INTO review_status (contact_id) VALUES (?)", (contact.id,))

    def review_mark(self, contact_id: str) -> None:
        """Mark a contact reviewed as it stands (the user accepted the machine's reading)."""
        with self._write():
            self.db.execute("INSERT OR REPLACE INTO review_status (contact_id) VALUES (?)", (contact_id,))

    def review_machine(self, contact_id: str) -> Contact | None:
        """What the machine read, before the first correction (None when never corrected)."""
        row = self.db.execute(
            "SELECT data FROM review_machine WHERE contact_id = ?", (contact_id,)
        ).fetchone()
        return Contact.from_dict(json.loads(row[0])) if row else None

    def review_corrections(self, contact_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT field, machine, corrected, saved_at FROM review_corrections "
            "WHERE contact_id = ? ORDER BY seq",
            (contact_id,),
        )
        return [{"field": f, "machine": json.loads(m), "corrected": json.loads(c), "saved_at": at}
                for f, m, c, at in rows]

    def review_list(self, event: str | None = None, needs_review: bool = False,
                    threshold: float = 0.6) -> list[dict[str, Any]]:
        """Contacts for the review page, doubtful first: unreviewed before reviewed, then by the
        lowest field confidence (a contact with no confidence at all counts as doubtful).
        `needs_review` keeps the unreviewed ones with a field below `threshold`."""
        rows = self.db.execute(
            """
            SELECT c.id, json_extract(c.data, '$.name'), json_extract(c.data, '$.company'),
                   json_extract(c.data, '$.event'),
                   (SELECT MIN(value) FROM json_each(c.data, '$.confidence')) AS lowest, s.reviewed_at
            FROM contacts c LEFT JOIN review_status s ON s.contact_id = c.id
            WHERE (:event IS NULL OR json_extract(c.data, '$.event') = :event)
            ORDER BY s.reviewed_at IS NOT NULL, COALESCE(lowest, 0), c.created_at, c.id
            """,
            {"event": event},
        )
        items = []
        for contact_id, name, company, event_name, lowest, reviewed_at in rows:
            doubtful = reviewed_at is None and (lowest is None or lowest < threshold)
            if needs_review and not doubtful:
                continue
            items.append({"id": contact_id, "name": name, "company": company, "event": event_name,
                          "lowest_confidence": lowest, "reviewed_at": reviewed_at, "needs_review": doubtful})
        return items

    def review_events(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT json_extract(data, '$.event') AS e FROM contacts WHERE e IS NOT NULL ORDER BY e"
        )
        return [event for (event,) in rows]
