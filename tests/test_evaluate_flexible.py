"""The reading-order-free character error rate: lines in any order or joined cost nothing."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from cardscan.cli.evaluate import _print_eval
from cardscan.evaluate import Metrics, Sample, cer, flexible_cer
from cardscan.model import Card, Contact
from cardscan.strings import best_substring, edit_distance

EMMA = (
    "Bluepoint Inc.\nEMMA MACDONALD\nSenior Software Engineer\n74 Wellington Street, Suite 60\n"
    "Calgary, AB T2R 7X5\nPhone: 403.636.0630\nE emmamacdonald@bluepoint.com"
)
# Tesseract's reading of that card: the address block first, the two columns of a row joined.
EMMA_READ = (
    "74 Wellington Street, Suite 60\nCalgary, AB T2R 7X5\nBluepoint Inc.\n"
    "EMMA MACDONALD Phone: 403.636.0630\nSenior Software Engineer E emmamacdonald@bluepoint.com"
)


def folded_length(text: str) -> int:
    return len(" ".join(text.split()))


def test_agrees_with_plain_cer_on_in_order_readings() -> None:
    assert flexible_cer(EMMA, EMMA) == 0.0
    assert flexible_cer(EMMA, "") == 1.0
    assert flexible_cer(EMMA, "  \n ") == 1.0
    assert flexible_cer("", "") == 0.0
    assert flexible_cer("", "junk") == 1.0
    misread = EMMA.replace("Calgary", "Ca1gary")
    assert flexible_cer(EMMA, misread) == pytest.approx(1 / folded_length(EMMA))
    assert flexible_cer(EMMA, misread) == pytest.approx(cer(EMMA, misread))
    assert flexible_cer("abcd", "abxd") == pytest.approx(0.25)


def test_lines_in_another_order_or_joined_cost_nothing() -> None:
    assert cer(EMMA, EMMA_READ) > 0.5
    assert flexible_cer(EMMA, EMMA_READ) == 0.0
    lines = EMMA.splitlines()
    assert flexible_cer(EMMA, "\n".join(reversed(lines))) == 0.0
    assert flexible_cer(EMMA, "   ".join(lines[3:] + lines[:3])) == 0.0  # all on one line


def test_a_misread_in_a_reordered_reading_costs_one_character() -> None:
    misread = EMMA_READ.replace("MACDONALD Phone", "MACD0NALD Phone")
    assert flexible_cer(EMMA, misread) == pytest.approx(1 / folded_length(EMMA))


def test_a_dropped_line_costs_its_length_and_its_line_break() -> None:
    truth = "Alice Smith\nACME Corp\nSales"
    missed = len("ACME Corp") + 1
    assert flexible_cer(truth, "Sales\nAlice Smith") == pytest.approx(missed / folded_length(truth))
    dropped = "\n".join(line for line in EMMA_READ.splitlines() if not line.startswith("Calgary"))
    missed = len("Calgary, AB T2R 7X5") + 1
    assert flexible_cer(EMMA, dropped) == pytest.approx(missed / folded_length(EMMA))


def test_invented_characters_count_as_insertions() -> None:
    assert flexible_cer("Alice Smith\nACME", "ACME\nzz9 Alice Smith") == pytest.approx(3 / 16)
    assert flexible_cer("Alice Smith", "Alice Smith ~~~~~~~~~~~~~~~~~~~~") > 1.0
    # A stretch cut out for one line cannot be bridged by another: "Sm" and "ith" are no "Smith";
    # "Smith" pairs with "ith" (2 deletions), "Sm" is left over (2 insertions).
    assert flexible_cer("Smith\nBob", "Sm Bob ith") == pytest.approx(4 / 9)


def test_never_above_plain_cer_and_never_below_zero() -> None:
    rng = random.Random(4)
    alphabet = "abcde .\n"
    for _ in range(300):
        truth = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        got = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert 0.0 <= flexible_cer(truth, got) <= cer(truth, got) + 1e-12, (truth, got)
        lines = truth.splitlines()
        rng.shuffle(lines)
        assert flexible_cer(truth, "\n".join(lines)) == 0.0, truth


def test_a_runaway_ocr_page_stays_fast() -> None:
    junk = "".join(random.Random(1).choice("abcdefghij ,.") for _ in range(60_000))
    started = time.perf_counter()
    assert flexible_cer(EMMA, junk + EMMA_READ + junk) > 1.0
    assert time.perf_counter() - started < 20


def test_edit_distance_table_is_the_same_on_both_paths() -> None:
    rng = random.Random(2)
    for _ in range(50):
        a = "".join(rng.choice("abc ") for _ in range(rng.randint(60, 90)))
        b = "".join(rng.choice("abc ") for _ in range(rng.randint(60, 90)))
        previous = list(range(len(b) + 1))  # the textbook table, for the numpy one to agree with
        for i, ca in enumerate(a, start=1):
            current = [i] + [0] * len(b)
            for j, cb in enumerate(b, start=1):
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            previous = current
        assert edit_distance(a, b) == previous[-1]
    assert best_substring("EMMA", "hi EMMA MAC") == (0, 3, 7)
    assert best_substring("Smith", "Mr Smyth jr") == (1, 3, 8)
    assert best_substring("", "abc")[0] == 0 and best_substring("abc", "")[0] == 3


def test_summary_and_table_show_both_rates(capsys: pytest.CaptureFixture[str]) -> None:
    metrics = Metrics()
    for quality in ("scan", "desk"):
        truth = {"image": "a.jpg", "quality": quality, "text": EMMA}
        sample = Sample(stem=quality, card=Card(front=Path("a.jpg")), truth=truth)
        metrics.update(sample, Contact(raw_text={"front": EMMA_READ, "back": None}))
    summary = metrics.summary()
    assert summary["cer"] == round(cer(EMMA, EMMA_READ), 4)
    assert summary["cer_flexible"] == 0.0
    assert summary["by_quality"]["desk"]["cer"] == summary["cer"]
    assert summary["by_quality"]["desk"]["cer_flexible"] == 0.0
    _print_eval(summary)
    out = capsys.readouterr().out
    assert f"OCR CER: {summary['cer']:.3f}" in out
    assert "OCR CER, reading order ignored: 0.000" in out
    assert "any order" in out
