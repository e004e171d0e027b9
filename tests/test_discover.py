"""Finding card photos: by content, hidden and system files skipped, symlink loops, page files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from cardscan import discover, image
from cardscan.errors import InputError
from cardscan.model import Card
from cardscan.pages import pdf_bytes_with_pages


def png(gray: int, size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, color=gray).save(out, format="PNG")
    return out.getvalue()


def put(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_photos_are_found_by_content_and_by_name(tmp_path: Path) -> None:
    put(tmp_path / "expo" / "IMG_0001.JPG", png(10))
    put(tmp_path / "expo" / "scan0002", png(20))  # a scanner's file with no extension
    put(tmp_path / "expo" / "card.dat", png(30))  # an image with a wrong extension
    put(tmp_path / "expo" / "broken.jpg", b"not a photo")  # named like one: kept, to fail with a reason
    put(tmp_path / "expo" / "notes.txt", b"met at booth 4")
    put(tmp_path / "expo" / "truth" / "card.json", b"{}")
    put(tmp_path / "expo" / "sheet.pdf", pdf_bytes_with_pages([png(40)]))
    found = discover.find_images([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "expo/IMG_0001.JPG", "expo/broken.jpg", "expo/card.dat", "expo/scan0002", "expo/sheet.pdf",
    ]


def test_hidden_and_system_files_are_skipped(tmp_path: Path) -> None:
    put(tmp_path / "a.png", png(1))
    for junk in (".hidden.png", "._a.png", ".git/x.png", "__MACOSX/a.png",
                 "@eaDir/a.png/SYNOFILE_THUMB_M.jpg", "Thumbs.db", ".DS_Store", "$RECYCLE.BIN/b.png"):
        put(tmp_path / junk, png(2))
    assert discover.find_images([tmp_path]) == [tmp_path / "a.png"]


def test_symlink_loops_end_and_each_file_is_listed_once(tmp_path: Path) -> None:
    put(tmp_path / "cards" / "a.png", png(1))
    put(tmp_path / "cards" / "deep" / "b.png", png(2))
    os.symlink(tmp_path / "cards", tmp_path / "cards" / "deep" / "loop")  # deep/loop -> cards
    os.symlink(tmp_path / "cards" / "a.png", tmp_path / "cards" / "again.png")
    os.symlink(tmp_path / "nowhere.png", tmp_path / "cards" / "dangling.png")
    found = discover.find_images([tmp_path / "cards", tmp_path / "cards" / "deep"])
    names = sorted(p.name for p in found)
    assert names == ["a.png", "b.png", "dangling.png"]  # a dangling link named like a photo fails later


def test_a_missing_root_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        discover.find_images([tmp_path / "nope"])


def test_a_root_file_is_taken_as_given(tmp_path: Path) -> None:
    note = put(tmp_path / "card.txt", b"whatever")
    assert discover.find_images([note]) == [note]


def test_multi_page_tiff_and_pdf_are_a_card_a_page(tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tif"
    frames = [Image.new("L", (120, 80), color=g) for g in (11, 22, 33)]
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    pdf = put(tmp_path / "scan.pdf", pdf_bytes_with_pages([png(44), png(55)]))
    single = put(tmp_path / "one.png", png(66))

    cards = discover.expand_pages([Card(tiff), Card(pdf), Card(single)])

    assert [(c.front.name, c.page) for c in cards] == [
        ("scan.tif", 0), ("scan.tif", 1), ("scan.tif", 2), ("scan.pdf", 0), ("scan.pdf", 1), ("one.png", 0),
    ]
    grays = [int(image.load(c.front, c.page)[10, 10, 0]) for c in cards]
    assert grays[:3] == [11, 22, 33]
    assert [abs(g - want) <= 2 for g, want in zip(grays[3:5], (44, 55), strict=True)] == [True, True]
    assert grays[5] == 66


def test_a_broken_pdf_fails_with_its_name(tmp_path: Path) -> None:
    bad = put(tmp_path / "bad.pdf", b"%PDF-1.4\nnot really")
    assert discover.expand_pages([Card(bad)]) == [Card(bad)]
    with pytest.raises(InputError, match=r"bad\.pdf: not a readable PDF"):
        image.load(bad)
    with pytest.raises(InputError, match="no page 3"):
        image.load(put(tmp_path / "two.pdf", pdf_bytes_with_pages([png(1), png(2)])), 2)
