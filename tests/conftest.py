"""Shared test set-up.

Tests marked `tesseract` need the real engine. Locally they skip when Tesseract is absent; in CI
(`CI=true`) they must run, so a missing Tesseract fails them instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked `browser` drive Debian's chromium: the same rule as for `tesseract` (in CI,
    # `pytest_runtest_setup` fails them).
    if not CHROMIUM.exists() and not IN_CI:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(
                    reason=f"{CHROMIUM} is not installed: sh tools/install-browser.sh (CI never skips)"))
    if shutil.which("tesseract") or IN_CI:
        return
    for item in items:
        if "tesseract" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="Tesseract is not installed (CI never skips)"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    # A hook, not a `usefixtures` mark: marks added after collection do not pull in fixtures.
    if IN_CI and "tesseract" in item.keywords and not shutil.which("tesseract"):
        pytest.fail("CI=true but Tesseract is not installed: tests that need it must run")
    if IN_CI and "browser" in item.keywords and not CHROMIUM.exists():
        pytest.fail(f"CI=true but {CHROMIUM} is not installed: browser tests must run "
                    "(sh tools/install-browser.sh)")


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
