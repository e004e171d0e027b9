"""Eval's matching rules and accumulators, the report page, and the accuracy floor on samples/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cardscan.evaluate import Metrics, Sample, cer, normalise_website, quad_iou, token_f1
from cardscan.model import Card, Contact, Phone
from cardscan.report import write_report
from tests.conftest import ROOT, SAMPLES

FLOOR = json.loads((ROOT / "tests" / "eval_floor.json").read_text())


def sample(**truth: object) -> Sample:
    base: dict[str, object] = {"image": "a.jpg", "quality": "scan"}
    base.update(truth)
    return Sample(stem="a", card=Card(front=Path("a.jpg")), truth=base)


def test_token_f1_and_websites() -> None:
    assert token_f1("1200 Harbor Blvd, San Mateo, CA 94401", "1200 Harbor Blvd San Mateo CA 94401") == 1.0
    assert token_f1("Met at the expo", None) == 0.0
    assert 0.5 < token_f1("send pricing on Friday", "send pricing Friday") < 1.0
    assert normalise_website("https://www.Acme.com/") == "acme.com"
    assert normalise_website("acme.com/team") == "acme.com/team"


def test_cer_and_corner_iou() -> None:
    assert cer("abcd", "abcd") == 0.0
    assert cer("abcd", "abxd") == pytest.approx(0.25)
    square = [[0, 0], [10, 0], [10, 10], [0, 10]]
    assert quad_iou(square, square) == pytest.approx(1.0)
    shifted = [[5, 0], [15, 0], [15, 10], [5, 10]]
    assert quad_iou(square, shifted) == pytest.approx(1 / 3, abs=1e-3)


def test_metrics_score_fields_case_and_punctuation_insensitively() -> None:
    metrics = Metrics()
    truth = sample(
        name="Jane Q. Doe", company="ACME Robotics, Inc.", title=None,
        emails=["jane@acme.com"], phones=[{"number": "+14155550132", "kind": "work"}],
        websites=["www.acme.com"],
    )
    got = Contact(
        name="jane q doe", company="Acme Robotics Inc", title="CEO", emails=["jane@acme.com", "x@y.com"],
        phones=[Phone("+14155550132", "mobile")], websites=["acme.com"],
    )
    outcome = metrics.update(truth, got)
    fields = metrics.fields
    assert (fields["name"].tp, fields["company"].tp) == (1, 1)
    assert (fields["title"].fp, fields["title"].fn) == (1, 0)  # a title invented
    assert (fields["emails"].tp, fields["emails"].fp) == (1, 1)
    assert fields["websites"].tp == 1
    assert metrics.kind_total == 1 and metrics.kind_right == 0
    assert set(outcome.wrong) == {"title", "emails"}
    summary = metrics.summary()
    assert summary["all_fields_right"] == 0.0
    assert summary["by_quality"]["scan"]["cards"] == 1


def test_failed_card_counts_every_expected_field_as_missed() -> None:
    metrics = Metrics()
    metrics.update(sample(name="Jane Doe", emails=["j@a.com"]), None, error="a.jpg: broken")
    assert metrics.fields["name"].fn == 1 and metrics.fields["emails"].fn == 1
    assert metrics.summary()["failed"] == 1


def test_report_escapes_card_text(tmp_path: Path) -> None:
    metrics = Metrics()
    evil = "<script>alert(1)</script>"
    truth = sample(name="Jane Doe")
    contact = Contact(name=evil, raw_text={"front": evil, "back": None})
    metrics.update(truth, contact)
    page = tmp_path / "eval.html"
    write_report(page, metrics, {"a": truth})
    text = page.read_text()
    assert evil not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.tesseract
def test_accuracy_floor_on_a_fixed_subset(tmp_path: Path) -> None:
    """The whole pipeline, real Tesseract, the first cards of samples/: never below the floor."""
    result = subprocess.run(
        [sys.executable, "-m", "cardscan", "eval", str(SAMPLES), "--limit", str(FLOOR["cards"]), "--json",
         "--report", str(tmp_path / "eval.html")],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["cards"] == FLOOR["cards"]
    assert summary["failed"] == 0
    assert summary["macro_f1"] >= FLOOR["macro_f1"], summary["fields"]
    assert (tmp_path / "eval.html").stat().st_size > 1000


def test_rotation_and_corners_are_scored_from_diagnostics() -> None:
    metrics = Metrics()
    square = [[0, 0], [10, 0], [10, 10], [0, 10]]
    turned = sample(quality="rot90", rotation=90, corners=square)
    metrics.update(turned, Contact(), diagnostics={"rotation": 90, "corners": square})
    metrics.update(turned, Contact(), diagnostics={"rotation": 270, "corners": square})
    flat = sample(rotation=0, corners=square)
    shifted = [[5, 0], [15, 0], [15, 10], [5, 10]]
    metrics.update(flat, Contact(), diagnostics={"rotation": 0, "corners": shifted})
    summary = metrics.summary()
    assert (summary["rotated_cards"], summary["rotated_cards_upright"]) == (2, 1)
    assert summary["corner_iou_ge_090_photos"] == 1.0
    assert summary["corner_iou_ge_090"] == round(2 / 3, 4)
