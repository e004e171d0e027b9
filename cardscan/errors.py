"""Errors that carry their exit code (see CONTRACT.md); the CLI maps them in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USAGE = 1
    BAD_INPUT = 2
    MISSING_DEPENDENCY = 3
    OCR_FAILED = 4
    OUTPUT_FAILED = 5
    SOME_CARDS_FAILED = 6
    INTERRUPTED = 130


class CardscanError(Exception):
    """Base of every error cardscan raises on purpose; `exit_code` is what the CLI exits with."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(CardscanError):
    exit_code = ExitCode.USAGE


class InputError(CardscanError):
    """An input file or folder cannot be used; the message names it and says why."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@contextmanager
def reading(path: object) -> Iterator[None]:
    """Turn the OSError of opening or reading `path` into an InputError that says why."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not an image") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


class MissingDependencyError(CardscanError):
    exit_code = ExitCode.MISSING_DEPENDENCY


class OcrEngineError(CardscanError):
    exit_code = ExitCode.OCR_FAILED


class OcrTimeoutError(OcrEngineError):
    pass


class OutputError(CardscanError):
    exit_code = ExitCode.OUTPUT_FAILED


TESSERACT_INSTALL_HINT = (
    "install it with: sudo apt-get install -y tesseract-ocr tesseract-ocr-eng "
    "tesseract-ocr-script-latn tesseract-ocr-osd (Debian/Ubuntu) | "
    "brew install tesseract tesseract-lang (macOS) | "
    "winget install UB-Mannheim.TesseractOCR (Windows)"
)


def language_install_hint(lang: str) -> str:
    """The command that installs a Tesseract model such as `deu` or `Latin` (script/Latin)."""
    packages = []
    for part in lang.split("+"):
        if part[:1].isupper():
            packages.append(f"tesseract-ocr-script-{part.lower()[:4]}")
        else:
            packages.append(f"tesseract-ocr-{part.lower().replace('_', '-')}")
    return (
        f"install it with: sudo apt-get install -y {' '.join(packages)} (Debian/Ubuntu) | "
        "brew install tesseract-lang (macOS) | "
        "rerun the Tesseract installer and tick the language (Windows)"
    )
