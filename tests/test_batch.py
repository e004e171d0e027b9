"""Batch import: parallel, resumable, deduplicated, failures listed, interrupted safely.

Most tests read fake photos with `PixelEngine` (see test_batch_fakes.py): fast and exact. One
test reads real sample cards with Tesseract.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_batch_fakes import CRASHES, HANGS, PixelEngine, install, reads, write_broken, write_photo

from cardscan import batch, discover
from cardscan.cli import main
from cardscan.model import Card
from cardscan.options import Options
from cardscan.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fakes are installed; the returned file lists every card the engine read."""
    path = tmp_path / "reads.log"
    install(monkeypatch, PixelEngine(log=path))
    return path


def stored(db: Path) -> list[tuple[str, dict[str, object], list[str]]]:
    """Everything a store holds that an import decides: each contact with its photos."""
    with Store(db) as store:
        return sorted((c.id, c.to_dict(), [p["front"] for p in store.photos(c.id)]) for c in store.contacts())


def test_importing_twice_reads_nothing_the_second_time(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for person in range(1, 13):
        write_photo(tmp_path / "expo" / f"card-{person:02d}.png", person)
    db = tmp_path / "cards.db"

    assert main(["import", str(tmp_path / "expo"), "--db", str(db), "--workers", "2", "-q"]) == 0
    assert sorted(reads(log)) == list(range(1, 13))
    assert {line.split()[1] for line in log.read_text().splitlines()} == {"1"}  # OMP_THREAD_LIMIT
    before = stored(db)
    assert len(before) == 12

    with monkeypatch.context() as patch:
        patch.setattr(batch, "_Pool", None)  # not even a worker process is started
        assert main(["import", str(tmp_path / "expo"), "--db", str(db), "--workers", "2", "-q"]) == 0
    assert len(reads(log)) == 12  # no card read again
    assert stored(db) == before

    assert main(["import", str(tmp_path / "expo"), "--db", str(db), "--workers", "2", "-q", "--force"]) == 0
    assert len(reads(log)) == 24
    assert stored(db) == before


def test_a_second_import_hashes_only_the_photos_that_changed(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photos = [write_photo(tmp_path / "in" / f"card-{p}.png", p) for p in (1, 2, 3)]
    cards = [Card(p) for p in photos]
    with Store(tmp_path / "cards.db") as store:
        batch.import_cards(cards, store, Options(), workers=2)
        hashed: list[Path] = []
        real_hash = batch.file_hash
        monkeypatch.setattr(batch, "file_hash", lambda path: hashed.append(path) or real_hash(path))
        write_photo(photos[1], 9)  # replaced by another card (new bytes, new mtime)
        os.utime(photos[1], ns=(10**18, 10**18))
        summary = batch.import_cards(cards, store, Options(), workers=2)
        assert hashed == [photos[1]]
        assert (summary.new, summary.already) == (1, 2)
    assert sorted(reads(log)) == [1, 2, 3, 9]


def test_fifty_good_ten_broken(tmp_path: Path, log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for person in range(1, 51):
        write_photo(tmp_path / "in" / "good" / f"card-{person:02d}.png", person)
    broken = write_broken(tmp_path / "in" / "bad", 10)
    db = tmp_path / "cards.db"

    code = main(["import", str(tmp_path / "in"), "--db", str(db), "--workers", "2"])

    assert code == 6
    with Store(db) as store:
        assert store.count() == 50
        assert len(store.failures()) == 10
    err = capsys.readouterr().err.splitlines()
    # stderr is not a terminal here: no bar, nothing per card; the summary, then each failure
    assert err[0].startswith("60 cards: 50 new contacts, 0 merged, 0 already stored, 10 failed in ")
    assert err[0].endswith(f"; store: {db}")
    failures = err[1:]
    assert [line.split(": ")[2] for line in failures] == [str(p) for p in broken]
    assert failures[0] == f"cardscan: failed: {broken[0]}: empty file (0 bytes)"
    assert failures[1] == (
        f"cardscan: failed: {broken[1]}: not an image file (or a format cardscan cannot read)")


def test_the_same_person_twice_is_one_contact_holding_both_photos(tmp_path: Path, log: Path) -> None:
    write_photo(tmp_path / "day1" / "a.png", 7)
    write_photo(tmp_path / "day2" / "b.png", 7, variant=1)  # other bytes, same card
    write_photo(tmp_path / "day2" / "copy-of-a.png", 7)  # the very same photo again
    write_photo(tmp_path / "day2" / "c.png", 8)
    cards = [Card(p) for p in discover.find_images([tmp_path])]
    with Store(tmp_path / "cards.db") as store:
        summary = batch.import_cards(cards, store, Options(), workers=2)
        assert (summary.new, summary.merged, summary.already, summary.failed) == (2, 1, 1, 0)
        assert store.count() == 2
        person7 = next(c for c in store.contacts() if c.emails == ["person7@example.com"])
        assert [p["front"] for p in store.photos(person7.id)] == [
            str(tmp_path / "day1" / "a.png"), str(tmp_path / "day2" / "b.png")]
    assert sorted(reads(log)) == [7, 7, 8]  # the copy was not read


def test_pdf_and_tiff_pages_are_cards(tmp_path: Path, log: Path) -> None:
    from PIL import Image

    from cardscan.pages import pdf_bytes_with_pages

    pages = [tmp_path / f"p{i}.png" for i in range(3)]
    for i, page in enumerate(pages):
        write_photo(page, 20 + i)
    (tmp_path / "in").mkdir()
    pdf = pdf_bytes_with_pages([pages[0].read_bytes(), pages[1].read_bytes()])
    (tmp_path / "in" / "scan.pdf").write_bytes(pdf)
    frames = [Image.new("L", (160, 100), color=g) for g in (30, 31)]
    frames[0].save(tmp_path / "in" / "scan.tif", format="TIFF", save_all=True, append_images=frames[1:])

    assert main(["import", str(tmp_path / "in"), "--db", str(tmp_path / "c.db"), "--workers", "2", "-q"]) == 0
    with Store(tmp_path / "c.db") as store:
        assert sorted(e for c in store.contacts() for e in c.emails) == [
            "person20@example.com", "person21@example.com", "person30@example.com", "person31@example.com"]


def test_a_hung_card_times_out_and_a_crash_fails_one_card(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # generous for the cards that do finish, even on a loaded machine; only the hung one waits
    monkeypatch.setattr(batch, "GRACE_SECONDS", 2.5)
    write_photo(tmp_path / "in" / "a-hangs.png", HANGS)
    write_photo(tmp_path / "in" / "b-crashes.png", CRASHES)
    for person in range(1, 7):
        write_photo(tmp_path / "in" / f"c-{person}.png", person)
    cards = [Card(p) for p in discover.find_images([tmp_path / "in"])]
    with Store(tmp_path / "cards.db") as store:
        summary = batch.import_cards(cards, store, Options(timeout=2.5), workers=2)
        assert store.count() == 6
    assert summary.new == 6
    assert sorted(summary.failures) == [
        (str(tmp_path / "in" / "a-hangs.png"), "timed out after 5s (the OCR hung; the card was abandoned)"),
        (str(tmp_path / "in" / "b-crashes.png"), "the worker reading it died (killed by signal 9)"),
    ]


def test_ctrl_c_keeps_what_was_stored_and_the_next_run_finishes(tmp_path: Path, log: Path) -> None:
    for person in range(1, 21):
        write_photo(tmp_path / "in" / f"card-{person:02d}.png", person)
    cards = [Card(p) for p in discover.find_images([tmp_path / "in"])]
    done: list[str] = []

    def interrupt_after_five(event: batch.CardEvent) -> None:
        done.append(event.outcome)
        if len(done) == 5:
            raise KeyboardInterrupt

    with Store(tmp_path / "cards.db") as store:
        summary = batch.import_cards(cards, store, Options(), workers=2, on_card=interrupt_after_five)
        assert summary.interrupted and summary.exit_code() == 130
        assert store.count() == summary.new == 5
        rest = batch.import_cards(cards, store, Options(), workers=2)
        assert (rest.new, rest.already) == (15, 5)
        assert store.count() == 20


def test_ctrl_c_at_the_command_line_prints_what_was_stored_and_exits_130(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for person in range(1, 11):
        write_photo(tmp_path / "in" / f"card-{person:02d}.png", person)
    real = batch.read_indexed

    def three_then_ctrl_c(*args: object, **kwargs: object) -> object:
        for count, item in enumerate(real(*args, **kwargs), start=1):  # type: ignore[arg-type]
            yield item
            if count == 3:
                raise KeyboardInterrupt

    monkeypatch.setattr(batch, "read_indexed", three_then_ctrl_c)
    db = tmp_path / "cards.db"
    args = ["import", str(tmp_path / "in"), "--db", str(db), "--workers", "2", "-o", str(tmp_path / "x.csv")]
    assert main(args) == 130
    err = capsys.readouterr().err
    assert err.startswith("interrupted: 10 cards: 3 new contacts, 0 merged, 0 already stored, 0 failed in ")
    assert not (tmp_path / "x.csv").exists()  # no export of a half import
    with Store(db) as store:
        assert store.count() == 3


def test_the_pool_holds_one_card_per_worker_in_flight(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "CARDS_PER_WORKER", 3)  # workers are replaced as they go, too
    photo = write_photo(tmp_path / "a.png", 1)
    pulled = 0

    def cards() -> object:
        nonlocal pulled
        for _ in range(20):
            pulled += 1
            yield Card(photo)

    seen = 0
    for _ in batch.read_many(cards(), Options(), workers=2):  # type: ignore[arg-type]
        seen += 1
        assert pulled <= seen + 2
    assert seen == 20


def test_the_model_is_loaded_once_before_the_workers_fork(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = tmp_path / "loads.log"

    def preload(options: Options) -> None:
        with open(loads, "a") as f:
            f.write(f"{os.getpid()}\n")

    monkeypatch.setattr(batch, "preload", preload)
    cards = [Card(write_photo(tmp_path / f"p{n}.png", n)) for n in range(1, 7)]
    results = list(batch.read_many(cards, Options(), workers=2))
    assert sorted(r.contact.emails[0] for r in results if r.contact) == sorted(
        f"person{n}@example.com" for n in range(1, 7)
    )
    # Once, in this process: the forked workers use the loaded model, they do not load their own.
    assert loads.read_text().split() == [str(os.getpid())]
    assert len(reads(log)) == 6

    loads.unlink()
    assert list(batch.read_many([], Options(), workers=2)) == []  # nothing to read: nothing loaded
    list(batch.read_many(cards[:2], Options(), workers=2, engine=PixelEngine()))  # the caller's engine
    assert not loads.exists()


def _wait_for_cards(db: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    if conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] >= count:
                        return
            except sqlite3.OperationalError:
                pass  # the importer is still creating the schema
        time.sleep(0.05)
    raise AssertionError(f"the import did not store {count} cards (exit {process.poll()})")


def test_kill_9_halfway_then_the_same_import_equals_an_uninterrupted_one(tmp_path: Path, log: Path) -> None:
    for person in range(1, 31):
        write_photo(tmp_path / "in" / f"card-{person:02d}.png", person)
    for person in (3, 11, 29):  # the same people again, read later: merges must come out the same
        write_photo(tmp_path / "in" / "later" / f"again-{person:02d}.png", person, variant=1)
    write_broken(tmp_path / "in" / "bad", 2)
    script = [sys.executable, str(ROOT / "tests" / "test_batch_fakes.py")]
    args = ["import", str(tmp_path / "in"), "--workers", "2", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    whole = tmp_path / "whole.db"
    assert main([*args, "--db", str(whole)]) == 6

    resumed = tmp_path / "resumed.db"
    process = subprocess.Popen([*script, "0.1", str(tmp_path / "first.log"), *args, "--db", str(resumed)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_cards(resumed, 10, process)
        workers = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []  # orphaned workers notice and leave
    with Store(resumed) as store:
        assert 10 <= store.card_count() < 33

    again = subprocess.run([*script, "0", str(tmp_path / "second.log"), *args, "--db", str(resumed)],
                           env=env, capture_output=True, timeout=120)
    assert again.returncode == 6, again.stderr.decode()
    assert stored(resumed) == stored(whole)
    first_reads = reads(tmp_path / "first.log")
    second_reads = reads(tmp_path / "second.log")
    # each card stored before the kill is not read again; at most the two in flight are read twice
    assert len(first_reads) + len(second_reads) <= 33 + 2


@pytest.mark.tesseract
def test_real_cards_are_read_once(tmp_path: Path, samples_dir: Path) -> None:
    photos = sorted(p for p in samples_dir.glob("card-00[1-3]*.jpg"))
    assert photos, "the sample set is missing"
    folder = tmp_path / "cards"
    folder.mkdir()
    for photo in photos:
        (folder / photo.name).write_bytes(photo.read_bytes())
    db = tmp_path / "cards.db"
    assert main(["import", str(folder), "--db", str(db), "--workers", "2", "-q"]) == 0
    with Store(db) as store:
        count = store.count()
        assert count == 3  # card-001 and card-003 have backs
        assert all(c.emails for c in store.contacts())
    cards = [Card(folder / "card-001.jpg", folder / "card-001-back.jpg")]
    with Store(db) as store:
        summary = batch.import_cards(cards, store, Options(), workers=2)
        assert (summary.read, summary.already) == (0, 1)
        assert store.count() == count


def test_kill_with_sigterm_stops_like_ctrl_c(tmp_path: Path) -> None:
    for person in range(1, 21):
        write_photo(tmp_path / "in" / f"card-{person:02d}.png", person)
    db = tmp_path / "cards.db"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "test_batch_fakes.py"), "0.2", str(tmp_path / "log"),
         "import", str(tmp_path / "in"), "--db", str(db), "--workers", "2", "-q"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        _wait_for_cards(db, 3, process)
        process.terminate()
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err.decode().startswith("interrupted: 20 cards: ")
    with Store(db) as store:
        assert 3 <= store.count() < 20
