"""Pairing fronts with backs, and sidecar notes: names only, no OCR, no image decoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardscan.cards import find_sidecar, pair, pair_cards, read_sidecar
from cardscan.errors import InputError, UsageError
from cardscan.model import Card


def touch(folder: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        paths.append(path)
    return sorted(paths)


def pairs(cards: list) -> set[tuple[str, str | None]]:
    return {(c.front.name, c.back.name if c.back else None) for c in cards}


@pytest.mark.parametrize(
    "back",
    ["X-back.jpg", "X_back.jpg", "X back.jpg", "X.back.jpg", "X (back).jpg", "X(back).jpg",
     "x-BACK.PNG", "X-Back.webp", "X_rear.jpg", "X-reverse.jpg", "X verso.jpg"],
)
def test_auto_pairs_every_back_spelling(tmp_path: Path, back: str) -> None:
    images = touch(tmp_path, "X.jpg", back)
    assert pairs(pair(images, "auto")) == {("X.jpg", back)}


@pytest.mark.parametrize(
    ("front", "back"),
    [("X-front.jpg", "X-back.jpg"), ("X_front.png", "X_back.jpg"), ("X (front).jpg", "X (back).jpg"),
     ("X_1.jpg", "X_2.jpg"), ("X-1.jpg", "X-2.jpg"), ("X 1.heic", "X 2.heic"), ("X_1.jpg", "X_back.jpg"),
     ("X.jpg", "X-2.jpg"), ("X.jpg", "X_2.jpg"), ("X-FRONT.JPG", "x-back.jpeg")],
)
def test_auto_pairs_named_fronts_with_their_backs(tmp_path: Path, front: str, back: str) -> None:
    images = touch(tmp_path, front, back)
    result = pair_cards(images, "auto")
    assert pairs(result.cards) == {(front, back)}
    assert result.orphan_backs == []


def test_numbered_photo_is_a_back_only_beside_its_front(tmp_path: Path) -> None:
    # `Y-2` with no `Y`/`Y-1` is just a card called Y-2, not an orphan back.
    images = touch(tmp_path, "X.jpg", "Y-2.jpg")
    result = pair_cards(images, "auto")
    assert pairs(result.cards) == {("X.jpg", None), ("Y-2.jpg", None)}
    assert result.orphan_backs == []


def test_a_numbered_series_is_many_cards_not_front_and_back(tmp_path: Path) -> None:
    images = touch(tmp_path, "scan-1.jpg", "scan-2.jpg", "scan-3.jpg", "expo.jpg", "expo-2.jpg", "expo-3.jpg")
    assert pairs(pair(images, "auto")) == {
        ("scan-1.jpg", None), ("scan-2.jpg", None), ("scan-3.jpg", None),
        ("expo.jpg", None), ("expo-2.jpg", None), ("expo-3.jpg", None),
    }


def test_zero_padded_numbers_are_card_numbers_not_sides(tmp_path: Path) -> None:
    images = touch(tmp_path, "card-001.jpg", "card-002.jpg", "card-002-back.jpg",
                   "card-12.jpg", "card-12-2.jpg")
    assert pairs(pair(images, "auto")) == {
        ("card-001.jpg", None), ("card-002.jpg", "card-002-back.jpg"), ("card-12.jpg", "card-12-2.jpg"),
    }


def test_back_without_front_is_reported_and_read_as_a_card(tmp_path: Path) -> None:
    images = touch(tmp_path, "A.jpg", "B-back.jpg")
    result = pair_cards(images, "auto")
    assert pairs(result.cards) == {("A.jpg", None), ("B-back.jpg", None)}
    assert [p.name for p in result.orphan_backs] == ["B-back.jpg"]


def test_second_back_for_the_same_front_is_an_orphan(tmp_path: Path) -> None:
    images = touch(tmp_path, "A.jpg", "A-back.jpg", "A-back.png")
    result = pair_cards(images, "auto")
    assert pairs(result.cards) == {("A.jpg", "A-back.jpg"), ("A-back.png", None)}
    assert [p.name for p in result.orphan_backs] == ["A-back.png"]


def test_explicit_back_wins_over_a_numbered_one(tmp_path: Path) -> None:
    images = touch(tmp_path, "A.jpg", "A-back.jpg", "A-2.jpg")
    assert pairs(pair(images, "auto")) == {("A.jpg", "A-back.jpg"), ("A-2.jpg", None)}


def test_never_pairs_across_folders(tmp_path: Path) -> None:
    images = touch(tmp_path, "one/X.jpg", "two/X-back.jpg", "two/Y.jpg", "one/Y_2.jpg")
    result = pair_cards(images, "auto")
    assert all(c.back is None for c in result.cards)
    assert [p.name for p in result.orphan_backs] == ["X-back.jpg"]


def test_back_word_inside_a_name_is_not_a_back(tmp_path: Path) -> None:
    images = touch(tmp_path, "payback.jpg", "pay.jpg", "feedback-form.jpg")
    result = pair_cards(images, "auto")
    assert pairs(result.cards) == {("payback.jpg", None), ("pay.jpg", None), ("feedback-form.jpg", None)}
    assert result.orphan_backs == []


def test_sequential_alternates_front_back_per_folder_in_natural_order(tmp_path: Path) -> None:
    names = [f"Scan {i}.jpg" for i in range(1, 13)]  # 1..12: "Scan 10" must come after "Scan 9"
    images = touch(tmp_path, *names, "b/x1.jpg", "b/x2.jpg", "b/x3.jpg")
    result = pair_cards(images, "sequential")
    assert pairs(result.cards) == {
        *{(f"Scan {i}.jpg", f"Scan {i + 1}.jpg") for i in range(1, 13, 2)},
        ("x1.jpg", "x2.jpg"), ("x3.jpg", None),
    }
    assert [p.name for p in result.unpaired] == ["x3.jpg"]


def test_none_makes_every_photo_a_card(tmp_path: Path) -> None:
    images = touch(tmp_path, "X.jpg", "X-back.jpg")
    assert pairs(pair(images, "none")) == {("X.jpg", None), ("X-back.jpg", None)}


def test_unknown_mode_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        pair(touch(tmp_path, "X.jpg"), "zigzag")


def test_sidecar_notes_beside_front_or_back(tmp_path: Path) -> None:
    images = touch(tmp_path, "A.jpg", "A-back.jpg", "B-front.jpg", "B-back.jpg", "C.png", "D.jpg")
    touch(tmp_path, "A.txt", "B.md", "C-note.txt", "d.TXT", "D.md")
    cards = {c.front.name: c for c in pair(images, "auto")}
    assert cards["A.jpg"].sidecar == tmp_path / "A.txt"
    assert cards["B-front.jpg"].sidecar == tmp_path / "B.md"
    assert cards["C.png"].sidecar is None
    assert cards["D.jpg"].sidecar == tmp_path / "d.TXT"  # .txt before .md, any case
    assert find_sidecar(Card(front=tmp_path / "A.jpg")) == tmp_path / "A.txt"
    b_card = Card(front=tmp_path / "B-front.jpg", back=tmp_path / "B-back.jpg")
    assert find_sidecar(b_card) == tmp_path / "B.md"
    assert find_sidecar(Card(front=tmp_path / "C.png")) is None


def test_read_sidecar_strips_bom_and_blank_notes(tmp_path: Path) -> None:
    note = tmp_path / "X.txt"
    note.write_bytes("\ufeffMet at the expo\nsend pricing Fri\n\n".encode())
    assert read_sidecar(note) == "Met at the expo\nsend pricing Fri"
    note.write_text("  \n")
    assert read_sidecar(note) is None
    assert read_sidecar(None) is None
    with pytest.raises(InputError):
        read_sidecar(tmp_path / "missing.txt")


def _truth(samples: Path) -> list[dict]:
    files = sorted((samples / "truth").glob("*.json"))
    if not files:
        pytest.skip("the sample set is not generated (make samples)")
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def test_auto_pairs_every_sample_card(samples_dir: Path, tmp_path: Path) -> None:
    truth = _truth(samples_dir)
    # Same names in an empty copy: pairing reads names only.
    names = {t["image"] for t in truth} | {t["back_image"] for t in truth if t.get("back_image")}
    images = touch(tmp_path, *names)
    result = pair_cards(images, "auto")
    expected = {(Path(t["image"]).name, Path(t["back_image"]).name if t.get("back_image") else None)
                for t in truth}
    assert pairs(result.cards) == expected
    assert result.orphan_backs == []


def test_sequential_pairs_duplex_scans_of_the_samples(samples_dir: Path, tmp_path: Path) -> None:
    truth = _truth(samples_dir)
    # A duplex scanner writes both sides of every card (a blank back too), one unpadded number
    # per side: the copy keeps which original each scan stands for.
    original: dict[str, str] = {}
    for i, t in enumerate(truth):
        front, back = f"Scan {2 * i + 1}.jpg", f"Scan {2 * i + 2}.jpg"
        touch(tmp_path, front, back)
        original[front] = t["image"]
        original[back] = t.get("back_image") or f"blank back of {t['image']}"
    result = pair_cards(sorted(tmp_path.iterdir()), "sequential")
    got = {(original[c.front.name], original[c.back.name] if c.back else None) for c in result.cards}
    assert got == {(t["image"], t.get("back_image") or f"blank back of {t['image']}") for t in truth}
    assert result.unpaired == []
