"""`make bench` (tools/bench.py) runs end to end and writes the figures it promises.

Functional only: two small cards, one worker count each way; nothing here depends on how fast
anything is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from tools import bench


def _card_photo(path: Path, lines: list[str]) -> None:
    photo = np.full((600, 800, 3), 70, np.uint8)
    cv2.rectangle(photo, (100, 120), (700, 480), (245, 245, 245), -1)
    for i, text in enumerate(lines):
        cv2.putText(photo, text, (130, 180 + 60 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2,
                    cv2.LINE_AA)
    cv2.imwrite(str(path), photo)


@pytest.fixture
def two_cards(tmp_path: Path) -> Path:
    """A sample set of two cards, the first with a back: three images."""
    folder = tmp_path / "samples"
    (folder / "truth").mkdir(parents=True)
    _card_photo(folder / "card-001.jpg", ["Jane Doe", "jane.doe@example.com", "+1 415 555 0132"])
    _card_photo(folder / "card-001-back.jpg", ["Met at the expo", "call back Tuesday"])
    _card_photo(folder / "card-002.jpg", ["John Smith", "Sales Engineer", "john@widget.example",
                                          "+49 30 1234567"])
    for stem, back in (("card-001", "card-001-back.jpg"), ("card-002", None)):
        truth = {"image": f"{stem}.jpg", "back_image": back, "name": None}
        (folder / "truth" / f"{stem}.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


@pytest.mark.tesseract
def test_bench_writes_every_figure(
    two_cards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "bench.json"
    code = bench.main(["--samples", str(two_cards), "--limit", "2", "--workers-list", "1,2",
                       "--engine", "auto", "--no-warm-up", "--repeat", "2", "--out", str(out)])
    assert code == 0
    # In rounds: every worker count once per round, so a drifting host weighs on all alike.
    order = re.findall(r"(\d) worker\(s\) \(round (\d)/2\): cardscan", capsys.readouterr().err)
    assert order == [("1", "1"), ("2", "1"), ("1", "2"), ("2", "2")]
    report = json.loads(out.read_text(encoding="utf-8"))

    assert report["samples"] | {"notes": []} == {
        "folder": str(two_cards), "source": "truth", "limit": 2, "cards": 2, "fronts": 2, "backs": 1,
        "images": 3, "notes": [],
    }
    machine = report["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["tesseract"].startswith("tesseract ")
    assert {"git_commit", "cpus_usable", "tesseract_openmp", "tesserocr"} <= machine.keys()
    assert report["engine"]["requested"] == "auto"
    assert report["engine"]["used"] in ("pytesseract", "tesserocr")
    assert report["date"] and report["omp_note"]

    assert [row["workers"] for row in report["runs"]] == [1, 2]
    for row in report["runs"]:
        cardscan, tesseract, default = row["cardscan"], row["tesseract"], row["tesseract_default"]
        # How well the pipeline reads drawn cards is eval's business: a card it cannot read
        # (exit 6) must still be counted, listed and leave the rest stored.
        assert cardscan["exit_code"] in (0, 6)
        assert (cardscan["exit_code"] == 6) == (cardscan["failed_cards"] > 0)
        assert len(cardscan["failures"]) == cardscan["failed_cards"]
        assert cardscan["stored_contacts"] + cardscan["failed_cards"] == 2
        assert cardscan["import_counted_cards"] in (None, 2)  # None: the summary line changed wording
        assert cardscan["seconds"] > 0
        assert len(cardscan["repeats_seconds"]) == 2 == len(tesseract["repeats_seconds"])
        assert cardscan["seconds"] == min(cardscan["repeats_seconds"])
        assert cardscan["images_per_s"] == pytest.approx(3 / cardscan["seconds"])
        assert cardscan["cards_per_s"] == pytest.approx(2 / cardscan["seconds"])
        assert cardscan["cpu_seconds"] > 0
        assert 10 < cardscan["peak_mb_per_worker"] < 5000
        # the kernel's high-water mark is at least what the sampler saw
        assert cardscan["peak_mb_maxrss"] >= cardscan["peak_mb_largest_process"] - 1
        assert tesseract["peak_mb_maxrss"] > 10
        assert cardscan["memory_samples"] >= 1
        assert tesseract["exit_code"] == 0 and tesseract["env"] == {"OMP_THREAD_LIMIT": "1"}
        assert tesseract["images_per_s"] > 0 and tesseract["peak_mb_per_worker"] > 0
        assert default["env"] == {} and default["images_per_s"] > 0
        assert row["ratio"] == pytest.approx(cardscan["images_per_s"] / tesseract["images_per_s"])
        assert row["scaling"] > 0
    assert report["runs"][0]["scaling"] == pytest.approx(1.0)

    stages = report["stages"]
    assert stages["cards"] == 2 and stages["failed_cards"] < 2
    assert {"load", "image", "ocr", "parse", "store", "other"} <= stages["seconds"].keys()
    assert all(seconds >= 0 for seconds in stages["seconds"].values())
    assert stages["seconds"]["ocr"] > 0
    assert sum(stages["share"].values()) == pytest.approx(1.0)
    assert 0 <= stages["non_ocr_share"] < 1

    checks = {(c["check"], c["workers"]) for c in report["acceptance"]}
    assert ("2 workers / 1 worker throughput", 2) in checks
    assert ("non-OCR share of the time", 1) in checks
    assert all(isinstance(c["met"], bool) for c in report["acceptance"])


def test_bench_without_samples_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main(["--samples", str(tmp_path / "nowhere"), "--out", str(tmp_path / "b.json")])
    assert code == 2
    assert "no sample set here" in capsys.readouterr().err
    assert not (tmp_path / "b.json").exists()


def test_bench_rejects_a_bad_workers_list() -> None:
    with pytest.raises(SystemExit) as exc:
        bench.parse_args(["--workers-list", "1,two"])
    assert exc.value.code == 2
