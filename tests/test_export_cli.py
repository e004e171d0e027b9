"""`cardscan export` and `import -o` as a user types them; failed writes leave no half file."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from pathlib import Path

import pytest
import vobject

from cardscan import export as export_mod
from cardscan.cli import main
from cardscan.errors import OutputError
from cardscan.export import export
from cardscan.export.google import GOOGLE_COLUMNS
from cardscan.model import Contact
from cardscan.store import Store
from tests.test_export import contacts, jane

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store" / "cardscan.db"
    with Store(path) as store:
        for contact in contacts():
            store.put(contact)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- the command ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "first_bytes"), [
    ("out.csv", b"id,name,"), ("out.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\n"), ("out.json", b"["),
    ("out.jsonl", b"{"),
])
def test_extension_decides_the_format(db: Path, tmp_path: Path, name: str, first_bytes: bytes,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / name
    assert main(["export", "--db", str(db), "-o", str(target)]) == 0
    assert target.read_bytes().startswith(first_bytes)
    assert f"exported 3 contacts to {target}" in capsys.readouterr().err


def test_google_and_outlook_by_format(db: Path, tmp_path: Path) -> None:
    for fmt, first in (("google", "First Name,Middle Name,Last Name,Organization Name"),
                       ("outlook", "First Name,Middle Name,Last Name,Company,Department")):
        target = tmp_path / f"{fmt}.csv"
        assert main(["export", "--db", str(db), "-o", str(target), "--format", fmt]) == 0
        text = target.read_text(encoding="utf-8")
        assert text.startswith(first)
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == 4


def test_stdout_gets_the_export_and_nothing_else(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(db), "-o", "-", "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert sorted(json.loads(line)["id"] for line in captured.out.splitlines()) == sorted(
        c.id for c in contacts())
    assert captured.err == ""


def test_vcard_flags(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.vcf"
    assert main(["export", "--db", str(db), "-o", str(target), "--vcard-version", "4", "--with-photo"]) == 0
    cards = list(vobject.readComponents(target.read_text(encoding="utf-8")))
    assert [c.version.value for c in cards] == ["4.0"] * 3


def test_excel_flag_on_stdout(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(db), "-o", "-", "--format", "outlook", "--excel"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffFirst Name,")


@pytest.mark.parametrize("args", [
    ["--format", "json", "--excel"],
    ["--format", "csv", "--with-photo"],
    ["--format", "google", "--vcard-version", "4"],
    ["--vcard-version", "5"],
    ["--format", "xml"],
])
def test_options_that_do_not_fit_the_format_are_bad_usage(db: Path, tmp_path: Path, args: list[str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.vcf"
    assert main(["export", "--db", str(db), "-o", str(target), *args]) == 1
    assert capsys.readouterr().err.startswith("cardscan: error: ")
    assert not target.exists()


def test_missing_output_folder_exits_5(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no" / "such" / "out.csv"
    assert main(["export", "--db", str(db), "-o", str(target)]) == 5
    assert "does not exist" in capsys.readouterr().err


def test_output_that_is_a_folder_exits_5(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    assert main(["export", "--db", str(db), "-o", str(folder)]) == 5


def test_disk_full_exits_5_and_keeps_the_earlier_export(db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    target.write_text("the earlier export\n", encoding="utf-8")

    def full_disk(contacts: object, out: io.TextIOBase) -> None:
        out.write("id,name\r\n" + "x" * 10_000)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setitem(export_mod.WRITERS, "csv", full_disk)
    assert main(["export", "--db", str(db), "-o", str(target)]) == 5
    assert "No space left on device" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "the earlier export\n"
    assert leftovers(tmp_path) == []


# -- export() itself -------------------------------------------------------------------------

def test_disk_full_at_fsync_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync_fails(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export_mod.os, "fsync", fsync_fails)
    target = tmp_path / "out.vcf"
    with pytest.raises(OutputError, match="No space left on device"):
        export(contacts(), str(target), "vcard")
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_writer_bug_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(contacts: object, out: io.TextIOBase) -> None:
        out.write("half")
        raise RuntimeError("bug")

    monkeypatch.setitem(export_mod.WRITERS, "json", broken)
    with pytest.raises(RuntimeError):
        export(contacts(), str(tmp_path / "out.json"), "json")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too (where chmod does not stop writes): the OS refusal is simulated.
    real_open = os.open

    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(export_mod.os, "open", refuse)
    with pytest.raises(OutputError, match="Permission denied") as caught:
        export(contacts(), str(tmp_path / "out.csv"), "csv")
    assert caught.value.exit_code == 5
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders; the simulated variant covers it")
def test_read_only_folder_exits_5(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["export", "--db", str(db), "-o", str(folder / "out.csv")]) == 5
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_new_export_gets_ordinary_permissions_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    old_umask = os.umask(0o022)
    try:
        export(contacts(), str(target), "json")
    finally:
        os.umask(old_umask)
    assert target.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600
    target.chmod(0o640)
    export([jane()], str(target), "json")
    assert target.stat().st_mode & 0o777 == 0o640
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 1


def test_stdout_failure_is_an_output_error() -> None:
    class FullStdout(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError, match="standard output"):
        export(contacts(), "-", "csv", stdout=FullStdout())


def test_stdout_keeps_crlf_and_utf8(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    import sys

    export([jane()], "-", "google", stdout=sys.stdout)
    raw = capsysbinary.readouterr().out
    assert raw.startswith(",".join(GOOGLE_COLUMNS).encode() + b"\r\n")


def test_reader_closing_the_pipe_is_not_an_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "big.db"
    with Store(db) as store:
        for i in range(2000):  # ~1 MB of JSON Lines: far more than a pipe holds
            store.put(Contact(id=f"{i:016x}", name=f"Person {i}", notes="n" * 400))
    process = subprocess.Popen(
        [sys.executable, "-m", "cardscan", "export", "--db", str(db), "-o", "-", "--format", "jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b"{")
    process.stdout.close()  # as `| head -c 100` does
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert err == ""


# -- import -o passes the same flags ---------------------------------------------------------

def test_import_rejects_export_flags_without_output(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path), "--db", str(tmp_path / "db"), "--excel"]) == 1
    assert "-o" in capsys.readouterr().err


def test_import_checks_export_flags_before_reading_cards(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # The folder has no photos: a usage error must come first, not "no card photos found".
    assert main(["import", str(tmp_path), "--db", str(tmp_path / "db"), "-o", str(tmp_path / "x.json"),
                 "--excel"]) == 1
    assert "--excel" in capsys.readouterr().err
    assert main(["import", str(tmp_path), "--db", str(tmp_path / "db"),
                 "-o", str(tmp_path / "missing" / "x.csv")]) == 5


@pytest.mark.tesseract
def test_import_o_passes_the_export_flags(tmp_path: Path, samples_dir: Path) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "card-002.jpg").write_bytes((samples_dir / "card-002.jpg").read_bytes())
    target = tmp_path / "out.vcf"
    code = main(["import", str(cards), "--db", str(tmp_path / "db"), "-q", "--workers", "1",
                 "-o", str(target), "--vcard-version", "4", "--with-photo"])
    assert code == 0
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert "PHOTO:data:image/jpeg;base64," in text.replace("\r\n ", "")
