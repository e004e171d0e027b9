"""Bad input never loses a card (issue 10): every broken, empty, huge or hostile file gives one
line (its path and the reason) and no effect on the rest of the batch.

These tests read fake photos with `PixelEngine` (test_batch_fakes.py) so they are fast; the
files that need real pixels read (blank pages, a landscape) are in test_hostile_tesseract.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import REASONS, animated_gif, bad_files, bomb_png, multipage_tiff, write
from PIL import Image
from test_batch_fakes import PixelEngine, install, write_photo

from cardscan import batch, discover, image
from cardscan.cli import main
from cardscan.cli.importer import one_line
from cardscan.errors import InputError
from cardscan.model import Card, OcrPage, OcrWord
from cardscan.ocr import FakeEngine
from cardscan.options import Options
from cardscan.pipeline import read_card
from cardscan.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, PixelEngine())


def failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cardscan: failed: ")]


def emails(db: Path) -> list[str]:
    with Store(db) as store:
        return sorted(e for c in store.contacts() for e in c.emails)


ODD_NAMES = ["it's a \"card\" with spaces.png", "new\nline.png", "tab\there.png", "名刺 Zoë Ünal.png",
             "-o leading dash.png", "$(touch pwned).png"]


def test_a_folder_of_bad_files_lists_each_once_and_imports_every_good_card(
    tmp_path: Path, fakes: None, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "phone export"
    bad = bad_files(folder / "junk", blank_images=False)
    good = [write_photo(folder / f"card-{n}.png", n) for n in range(1, 4)]
    good += [write_photo(folder / "odd" / name, 10 + i) for i, name in enumerate(ODD_NAMES)]
    undecodable = Path(os.fsdecode(os.fsencode(folder / "odd") + b"/caf\xe9-card.png"))  # Latin-1 name
    good.append(write_photo(undecodable, 30))
    bad_name = write(folder / "odd" / "broken\nname.jpg", b"")
    bad[bad_name] = REASONS["empty"]
    db = tmp_path / "cards.db"

    out = tmp_path / "out.csv"
    code = main(["import", str(folder), "--db", str(db), "--workers", "2", "-q", "-o", str(out)])

    err = capsys.readouterr().err
    assert code == 6, err
    lines = failure_lines(err)
    assert len(lines) == len(bad), err
    for path, reason in bad.items():
        [line] = [line for line in lines if line.startswith(f"cardscan: failed: {one_line(str(path))}: ")]
        assert reason in line
    assert "cardscan: failed: " + one_line(str(bad_name)) + ": empty file (0 bytes)" in lines
    assert "\\n" in one_line(str(bad_name))  # a newline in a name stays on its line
    people = [1, 2, 3, *range(10, 10 + len(ODD_NAMES)), 30]
    assert emails(db) == sorted(f"person{n}@example.com" for n in people)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    exported = out.read_text(encoding="utf-8")
    assert "caf\\xe9-card.png" in exported  # the odd byte shown, the card kept
    with Store(db) as store:
        assert store.card_count() == len(good)


def test_an_animated_gif_is_read_as_its_first_frame(tmp_path: Path, fakes: None) -> None:
    frames = [Image.new("L", (200, 120), person) for person in (41, 42, 43)]
    gif = write(tmp_path / "in" / "wave.gif", animated_gif(frames))
    assert [Card(p) for p in discover.expand_pages([Card(gif)])] != []
    assert len(discover.expand_pages([Card(gif)])) == 1
    db = tmp_path / "cards.db"
    assert main(["import", str(tmp_path / "in"), "--db", str(db), "--workers", "1", "-q"]) == 0
    assert emails(db) == ["person41@example.com"]


def test_a_multi_page_tiff_is_a_card_per_page(tmp_path: Path, fakes: None) -> None:
    pages = [Image.new("L", (200, 120), person) for person in (51, 52, 53)]
    write(tmp_path / "in" / "scanner output.tif", multipage_tiff(pages))
    db = tmp_path / "cards.db"
    assert main(["import", str(tmp_path / "in"), "--db", str(db), "--workers", "2", "-q"]) == 0
    assert emails(db) == ["person51@example.com", "person52@example.com", "person53@example.com"]


@pytest.mark.parametrize("contents", [None, ["video.mp4", "notes.txt", ".hidden.jpg"]])
def test_an_empty_folder_is_exit_2_with_a_clear_message(
    tmp_path: Path, contents: list[str] | None, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    for name in contents or []:
        (folder / name).write_bytes(b"\x00\x00\x00\x18ftypmp42 not a photo")
    assert main(["import", str(folder), "--db", str(tmp_path / "c.db"), "-q"]) == 2
    assert capsys.readouterr().err == f"cardscan: error: {folder}: no card photos found\n"


def test_symlink_loops_end_and_a_link_to_itself_is_a_listed_failure(
    tmp_path: Path, fakes: None, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    write_photo(folder / "a" / "card.png", 7)
    (folder / "a" / "up").symlink_to("..", target_is_directory=True)
    (folder / "a" / "me").symlink_to(".", target_is_directory=True)
    (folder / "loop.jpg").symlink_to("loop.jpg")
    (folder / "ping.png").symlink_to("pong.png")
    (folder / "pong.png").symlink_to("ping.png")
    assert discover.find_images([folder]) == [folder / "a" / "card.png", folder / "loop.jpg",
                                              folder / "ping.png", folder / "pong.png"]
    db = tmp_path / "cards.db"
    assert main(["import", str(folder), "--db", str(db), "--workers", "1", "-q"]) == 6
    lines = failure_lines(capsys.readouterr().err)
    loop = "cannot read: Too many levels of symbolic links"
    names = ("loop.jpg", "ping.png", "pong.png")
    assert sorted(lines) == [f"cardscan: failed: {folder / name}: {loop}" for name in names]
    assert emails(db) == ["person7@example.com"]


def test_unreadable_files_and_folders_are_listed(
    tmp_path: Path, fakes: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    write_photo(folder / "ok.png", 3)
    locked = write_photo(folder / "locked.png", 4)
    locked_folder = folder / "locked folder"
    write_photo(locked_folder / "inside.png", 5)
    if os.geteuid() != 0:  # the real thing; root reads anything, so there it is simulated
        locked.chmod(0)
        locked_folder.chmod(0)
    else:
        real_open, real_scandir = open, os.scandir

        def deny_open(file: object, *args: object, **kwargs: object) -> object:
            if str(file) == str(locked):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

        def deny_scandir(path: object = ".") -> object:
            if str(path) == str(locked_folder):
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)  # type: ignore[type-var]

        monkeypatch.setattr(batch, "open", deny_open, raising=False)  # file_hash's open
        monkeypatch.setattr(discover.os, "scandir", deny_scandir)
    try:
        db = tmp_path / "cards.db"
        assert main(["import", str(folder), "--db", str(db), "--workers", "2", "-q"]) == 6
    finally:
        locked.chmod(0o644)
        locked_folder.chmod(0o755)
    err = capsys.readouterr().err
    assert sorted(failure_lines(err)) == [
        f"cardscan: failed: {locked_folder}: cannot open the folder: Permission denied",
        f"cardscan: failed: {locked}: permission denied",
    ], err
    assert "2 failed" in err
    assert emails(db) == ["person3@example.com"]


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = write(tmp_path / "bomb.png", bomb_png())
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(InputError, match="image too large"):
        image.load(bomb)
    # In a fresh process, to measure the memory the refusal took: the 900 MP image would need
    # 900 MB as bits unpacked to bytes and 2.7 GB as BGR.
    script = (
        "import resource, sys\nfrom pathlib import Path\nfrom cardscan import image\n"
        "from cardscan.errors import InputError\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    image.load(Path(sys.argv[1]))\nexcept InputError as exc:\n    print(exc)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(bomb)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=True)
    message, grown_kb = out.stdout.splitlines()
    assert message.startswith(f"{bomb}: image too large")
    assert int(grown_kb) < 100_000  # kB: nothing near the image's size was allocated


def test_a_photo_with_no_text_is_a_failure_not_an_empty_contact(tmp_path: Path) -> None:
    photo = write(tmp_path / "white.png", b"")
    Image.new("RGB", (300, 200), "white").save(photo)
    with pytest.raises(InputError, match=f"^{photo}: no text found on the card$"):
        read_card(Card(photo), Options(), FakeEngine(OcrPage([], 300, 200)))
    noise = OcrPage([OcrWord("~", 10, 10, 8, 12, 12.0), OcrWord("|;", 30, 10, 8, 12, 9.0)], 300, 200)
    with pytest.raises(InputError, match=r"no contact details found on the card \(read: '~ \|;'\)"):
        read_card(Card(photo), Options(), FakeEngine(noise))
    # ... unless the user wrote a note for it: that note is theirs, so the card is kept.
    note = write(tmp_path / "white.txt", b"the one from the booth, no card left")
    contact = read_card(Card(photo, sidecar=note), Options(), FakeEngine(OcrPage([], 300, 200)))
    assert contact.notes == "the one from the booth, no card left"


def test_one_line_escapes_what_would_break_a_line() -> None:
    assert one_line("a\nb\rc\td\x1b[31m\u2028e") == "a\\nb\\rc\\td\\x1b[31m\\u2028e"
    assert one_line(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert one_line("名刺 Zoë") == "名刺 Zoë"
