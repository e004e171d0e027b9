"""`make bench`: cardscan end to end against plain `tesseract IMAGE -` on the same photos.

    python -m tools.bench [--samples samples] [--limit N] [--workers-list 1,2]
                          [--engine auto|pytesseract|tesserocr] [--out bench/bench.json]

In rounds (--repeat, 3 by default), each running every worker count N once, cardscan and plain
Tesseract back to back, so that a busy or drifting host slows every configuration alike; the
fastest of the rounds counts:
- cardscan: `cardscan import STAGE --db <fresh temp db> --workers N --quiet --force`, as a user
  types it, timed wall-clock -> cards/s and images/s;
- plain Tesseract: `xargs -0 -P N -I{} tesseract {} -` over the very same image files, once with
  OMP_THREAD_LIMIT=1 (the side-by-side figure: cardscan's workers run Tesseract that way, and
  N single-threaded processes on N cores is the fair "same parallelism") and once with
  Tesseract's default OpenMP threads (what a user's plain `xargs -P` gets);
- peak memory: the RSS of the process tree sampled every 50 ms, summed per worker (a pool
  worker plus the `tesseract` it runs; with one worker, the import process itself).

Then, in this process with one worker on the same cards, the time per stage: the pipeline's own
`diagnostics["timings"]` (load, image, ocr, parse), `Store.put` on a temp db for store, and what
no stage timer covers as other. The table goes to stdout, the figures to a JSON file.

"The same photos" is every image the import reads: the cards of `truth/*.json` (`image` and
`back_image`), or every photo in the folder when it has no truth files, linked into a temp
folder so that `cardscan import` reads exactly those (and only the first N with --limit).

A benchmark, not a test: it exits 0 whatever the figures, unless --check is given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cardscan.model import Card

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
SIDECAR_SUFFIXES = (".txt", ".md")  # the user's notes beside a photo: the import reads them too

# Issue 9's acceptance figures, for a 2-core machine.
TARGET_RATIO = 1.3  # cardscan images/s over plain tesseract images/s, same workers
TARGET_SCALING_PER_WORKER = 0.9  # N workers >= 0.9 N x one worker (2 workers >= 1.8x)
TARGET_NON_OCR_SHARE = 0.15
TARGET_PEAK_MB = 300.0

OMP_NOTE = (
    "plain tesseract side by side runs with OMP_THREAD_LIMIT=1: cardscan's workers run Tesseract "
    "single-threaded (the process pool is the parallelism), and N one-thread processes on N cores "
    "is the same parallelism; Tesseract's default OpenMP threads would oversubscribe the cores at "
    "N > 1 and make the baseline look worse than it is. The 'default' column is that plain run."
)

out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
log = Console(stderr=True, highlight=False, soft_wrap=True)


class BenchError(Exception):
    """A reason the benchmark cannot run; `exit_code` follows CONTRACT.md (2 input, 3 dependency)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# --- the photos -------------------------------------------------------------------------------


@dataclass
class Photos:
    """The cards as `cardscan import` pairs them in the staged folder, and every image it reads."""

    folder: Path
    cards: list[Card]
    images: list[Path]
    source: str  # "truth" or "folder"
    notes: list[str] = field(default_factory=list)


def select_cards(samples: Path, limit: int | None) -> tuple[list[Card], str]:
    """The sample set's cards (truth files first, else the folder's photos), the first `limit`."""
    from cardscan.cards import pair
    from cardscan.discover import find_images
    from cardscan.errors import CardscanError
    from cardscan.evaluate import load_samples

    if not samples.is_dir():
        raise BenchError(
            f"{samples}: no sample set here; generate one with `make samples` or pass --samples DIR",
            exit_code=2,
        )
    try:
        if any((samples / "truth").glob("*.json")):
            cards, source = [s.card for s in load_samples(samples)], "truth"
        else:
            cards, source = pair(find_images([samples]), "auto"), "folder"
    except CardscanError as exc:
        raise BenchError(f"{samples}: not a usable sample set: {exc}", exit_code=2) from None
    if not cards:
        raise BenchError(
            f"{samples}: no card photos here (is `make samples` still writing them?)", exit_code=2
        )
    cards = cards[:limit]
    for card in cards:
        for path in (card.front, card.back):
            if path is not None and not path.is_file():
                raise BenchError(f"{path}: named by the sample set but not there", exit_code=2)
    return cards, source


def stage_photos(cards: list[Card], samples: Path, folder: Path, source: str) -> Photos:
    """Link the cards' files into `folder`, keeping names (so fronts and backs pair as before)."""
    from cardscan.cards import pair
    from cardscan.discover import find_images

    for card in cards:
        sides = [p for p in (card.front, card.back) if p is not None]
        notes = [p.with_suffix(suffix) for p in sides for suffix in SIDECAR_SUFFIXES]
        for path in [*sides, card.sidecar, *(p for p in notes if p.is_file())]:
            if path is None:
                continue
            target = folder / _relative(path, samples)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                target.symlink_to(path.resolve())
            except OSError:  # no symlinks here (Windows without the right): copy instead
                shutil.copy2(path, target)
    staged = pair(find_images([folder]), "auto")
    images = sorted({p for card in staged for p in (card.front, card.back) if p is not None})
    notes = []
    if len(staged) != len(cards):
        notes.append(
            f"cardscan import pairs these photos into {len(staged)} cards where the sample set has "
            f"{len(cards)}: the figures count cards as the import does"
        )
    return Photos(folder=folder, cards=staged, images=images, source=source, notes=notes)


def _relative(path: Path, root: Path) -> Path:
    for inner, outer in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return inner.relative_to(outer)
        except ValueError:
            continue
    return Path(path.name)


# --- measuring a process tree -----------------------------------------------------------------


class TreeSampler:
    """Samples the RSS of a process and its descendants; peak per worker, per process, in total.

    Each Python process counts with the `tesseract` processes it runs (pytesseract's): that is a
    worker's memory. A pool's workers are the processes below the root; the root is the
    coordinator, and is the worker itself when the import runs without a pool. (RSS counts the
    pages a forked worker still shares with its parent, such as the OCR model the coordinator
    loaded before forking: an upper bound. PSS splits each shared page between the processes
    that share it, so the sum of the PSS of the tree is the memory the whole run takes.)

    A process's own peak is the kernel's high-water mark (VmHWM), exact whatever the period;
    the period only bounds what sums are seen (a worker with its tesseract, the tree). Reading
    /proc of the measured processes costs them: PSS walks every mapping of a 300 MB worker
    under its memory lock. Sampled every 50 ms that took 7% from a 2-worker import (29.5 s
    against 27.4 s sampled each second) and almost nothing from plain tesseract's 55 MB
    processes, so the period is half a second.
    """

    def __init__(self, pid: int, interval: float) -> None:
        self.pid = pid
        self.interval = interval
        self.samples = 0
        self.peak_tree = 0
        self.peak_tree_pss = 0
        self.peak_unit: dict[int, int] = {}
        self.peak_process: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self.interval):
                return

    def _sample(self) -> None:
        info = _tree_from_proc(self.pid)
        if info is None:
            info = _tree_from_psutil(self.pid)
        if not info:
            return
        units: dict[int, int] = {}
        highest: dict[int, int] = {}  # per unit, its largest process's high-water mark
        for pid, (_, name, rss, hwm) in info.items():
            unit = self._unit(pid, info)
            units[unit] = units.get(unit, 0) + rss
            highest[unit] = max(highest.get(unit, 0), hwm)
            old = self.peak_process.get(pid, (name, 0))
            self.peak_process[pid] = (name, max(old[1], hwm))
        for unit, rss in units.items():
            self.peak_unit[unit] = max(self.peak_unit.get(unit, 0), rss, highest[unit])
        self.peak_tree = max(self.peak_tree, sum(units.values()))
        pss = [_pss(pid) for pid in info]
        if all(p is not None for p in pss):
            self.peak_tree_pss = max(self.peak_tree_pss, sum(p for p in pss if p is not None))
        self.samples += 1

    def _unit(self, pid: int, info: Tree) -> int:
        """The innermost non-`tesseract` process at or above `pid`."""
        while pid != self.pid:
            parent, name, *_ = info[pid]
            if "tesseract" not in name.lower():
                return pid
            if parent not in info:  # its parent has just exited: count it with the root
                return self.pid
            pid = parent
        return self.pid

    def worker_peak_mb(self) -> float:
        """The largest worker (pool worker + its tesseract), or the root when there is no pool."""
        workers = [rss for unit, rss in self.peak_unit.items() if unit != self.pid]
        return (max(workers) if workers else self.peak_unit.get(self.pid, 0)) / MB

    def largest_process_mb(self) -> float:
        """The largest worker or coordinator: what one process of the run needs at its peak."""
        return max(self.peak_unit.values(), default=0) / MB

    def coordinator_mb(self) -> float | None:
        if len(self.peak_unit) <= 1:
            return None
        return self.peak_unit.get(self.pid, 0) / MB

    def process_peak_mb(self, tesseract: bool) -> float:
        """The largest single `tesseract` process, or the largest other one."""
        peaks = [rss for name, rss in self.peak_process.values()
                 if ("tesseract" in name.lower()) == tesseract]
        return max(peaks, default=0) / MB


Tree = dict[int, tuple[int, str, int, int]]  # pid -> (parent pid, name, RSS, its peak RSS: bytes)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _tree_from_proc(root: int) -> Tree | None:
    """The process tree under `root` from Linux's /proc/PID/task/TID/children, or None elsewhere.

    psutil finds children by reading every process on the machine (~10 ms with a hundred of
    them): every 50 ms that would take a fifth of a core from what is being measured.
    """
    if not os.path.isdir(f"/proc/{root}/task"):
        return None
    tree: Tree = {}
    stack = [(root, 0)]
    while stack:
        pid, parent = stack.pop()
        try:
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
            rss, hwm = _rss_and_peak(pid)
            children: list[int] = []
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    children.extend(int(child) for child in f.read().split())
        except (OSError, ValueError, IndexError):  # it has just exited
            continue
        tree[pid] = (parent, name, rss, hwm)
        stack.extend((child, pid) for child in children)
    return tree


def _rss_and_peak(pid: int) -> tuple[int, int]:
    """A process's RSS and its high-water mark (VmRSS, VmHWM), bytes, from /proc/PID/status."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                fields[key] = int(value.split()[0]) * 1024
    if "VmRSS" not in fields:  # a zombie: no memory left to count
        raise ValueError(f"no VmRSS for {pid}")
    return fields["VmRSS"], max(fields["VmRSS"], fields.get("VmHWM", 0))


def _pss(pid: int) -> int | None:
    """A process's proportional set size in bytes (Linux 4.14+), or None."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _tree_from_psutil(root: int) -> Tree:
    import psutil

    try:
        parent = psutil.Process(root)
        procs = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return {}
    tree: Tree = {}
    for proc in procs:
        try:
            with proc.oneshot():
                rss = proc.memory_info().rss
                tree[proc.pid] = (proc.ppid(), proc.name(), rss, rss)
        except psutil.Error:
            continue
    return tree


@dataclass
class Timed:
    wall: float
    cpu: float  # user + system seconds of the whole process tree
    returncode: int
    stderr: str
    sampler: TreeSampler
    maxrss_mb: float | None = None  # the kernel's peak RSS of the largest process of the tree


def run_timed(cmd: Sequence[str], env: dict[str, str], stdin: bytes | None, interval: float) -> Timed:
    """Run a command with its output discarded; wall time, CPU time of its tree and its RSS.

    The peak is read twice: sampled (per process, per worker, the whole tree's PSS) and as the
    kernel keeps it (wait4's ru_maxrss: the largest process of the tree, its true high-water
    mark, which a sampler can miss when a peak lasts less than its interval)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    with TreeSampler(proc.pid, interval) as sampler:
        if stdin is not None:
            assert proc.stdin is not None
            feeder = threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True)
            feeder.start()
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Children are counted once reaped: the pool's workers, pytesseract's and xargs' tesseracts all are.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, proc.returncode, err.decode("utf-8", "replace"), sampler, usage.ru_maxrss / 1024)


def _feed(pipe: Any, data: bytes) -> None:
    with suppress(BrokenPipeError):
        pipe.write(data)
    with suppress(BrokenPipeError, OSError):
        pipe.close()


def clean_env() -> dict[str, str]:
    """The caller's environment without OMP_THREAD_LIMIT, so each side sets its own."""
    env = dict(os.environ)
    env.pop("OMP_THREAD_LIMIT", None)
    return env


# --- the two sides ----------------------------------------------------------------------------


def cardscan_command() -> list[str]:
    """`cardscan` as installed beside this Python (the venv's), else on PATH, else `-m cardscan`."""
    beside = Path(sys.executable).parent / "cardscan"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("cardscan")
    return [found] if found else [sys.executable, "-m", "cardscan"]


def run_cardscan(photos: Photos, workers: int, engine: str, tmp: Path, interval: float) -> dict[str, Any]:
    from cardscan.store import Store

    db = tmp / f"bench-{workers}w-{time.monotonic_ns()}.db"
    cmd = [*cardscan_command(), "import", str(photos.folder), "--db", str(db), "--workers", str(workers),
           "--quiet", "--force", "--engine", engine]
    timed = run_timed(cmd, clean_env(), None, interval)
    if timed.returncode not in (0, 6):
        raise BenchError(
            f"`{' '.join(cmd)}` exited {timed.returncode}:\n{_tail(timed.stderr)}",
            exit_code=timed.returncode if timed.returncode in (2, 3, 4) else 1,
        )
    failures = [line.removeprefix("cardscan: failed: ") for line in timed.stderr.splitlines()
                if line.startswith("cardscan: failed:")]
    counted = re.search(r"^(\d+) cards:", timed.stderr, re.MULTILINE)
    with Store(db) as store:
        stored = store.count()
    reported = re.search(r" in ([0-9.]+)s \(", timed.stderr)
    n_cards, n_images = len(photos.cards), len(photos.images)
    return {
        "command": cmd,
        "workers": workers,
        "seconds": timed.wall,
        "import_reported_seconds": float(reported.group(1)) if reported else None,
        "cards_per_s": n_cards / timed.wall,
        "images_per_s": n_images / timed.wall,
        "cpu_seconds": timed.cpu,
        "cpu_s_per_image": timed.cpu / n_images,
        "exit_code": timed.returncode,
        "import_counted_cards": int(counted.group(1)) if counted else None,
        "failed_cards": len(failures),
        "failures": failures[:5],
        "stored_contacts": stored,
        "peak_mb_per_worker": timed.sampler.worker_peak_mb(),
        "peak_mb_coordinator": timed.sampler.coordinator_mb(),
        "peak_mb_tesseract_process": timed.sampler.process_peak_mb(tesseract=True) or None,
        "peak_mb_python_process": timed.sampler.process_peak_mb(tesseract=False),
        "peak_mb_largest_process": timed.sampler.largest_process_mb(),
        "peak_mb_maxrss": timed.maxrss_mb,
        "peak_mb_total": timed.sampler.peak_tree / MB,
        "peak_mb_total_pss": (timed.sampler.peak_tree_pss / MB) or None,
        "memory_samples": timed.sampler.samples,
    }


def run_tesseract(
    photos: Photos, workers: int, binary: str, omp_limit: bool, lang: str | None, interval: float
) -> dict[str, Any]:
    xargs = shutil.which("xargs")
    if xargs is None:
        raise BenchError("xargs is not on PATH; the plain-tesseract side needs it", exit_code=3)
    env = clean_env()
    if omp_limit:
        env["OMP_THREAD_LIMIT"] = "1"
    extra = ["-l", lang] if lang else []
    cmd = [xargs, "-0", "-P", str(workers), "-I{}", binary, "{}", "-", *extra]
    listing = b"\0".join(str(p).encode() for p in photos.images)
    timed = run_timed(cmd, env, listing, interval)
    n_images = len(photos.images)
    return {
        "command": " ".join(cmd).replace(xargs, "xargs").replace(binary, "tesseract"),
        "env": {"OMP_THREAD_LIMIT": "1"} if omp_limit else {},
        "workers": workers,
        "seconds": timed.wall,
        "images_per_s": n_images / timed.wall,
        "cpu_seconds": timed.cpu,
        "cpu_s_per_image": timed.cpu / n_images,
        "exit_code": timed.returncode,  # xargs: 123 when some tesseract failed
        # a tesseract lives a quarter of a second, often between two samples: the kernel's
        # peak of the largest process (a tesseract; xargs is far smaller) counts too
        "peak_mb_per_worker": max(timed.sampler.process_peak_mb(tesseract=True), timed.maxrss_mb or 0.0),
        "peak_mb_maxrss": timed.maxrss_mb,  # the largest process: a tesseract (or xargs)
        "memory_samples": timed.sampler.samples,
    }


@contextmanager
def env_var(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def profile_stages(photos: Photos, engine: str, tmp: Path) -> dict[str, Any]:
    """Seconds per stage over the cards, one worker, in this process (after one untimed card)."""
    from cardscan.errors import CardscanError
    from cardscan.ocr import get_engine
    from cardscan.options import Options
    from cardscan.pipeline import read_card_result
    from cardscan.store import Store

    options = Options(engine=engine)
    # The pipeline's own stage timers, in its order (and any it adds), then store and the rest.
    seconds: dict[str, float] = {"load": 0.0, "image": 0.0, "ocr": 0.0, "parse": 0.0}
    store_seconds = 0.0
    wall = 0.0
    failed = 0
    # As a batch worker runs it: Tesseract single-threaded, set before an engine loads it.
    with env_var("OMP_THREAD_LIMIT", "1"), Store(tmp / "stages.db") as store:
        import cv2

        cv2.setNumThreads(1)  # as in a batch worker (cardscan.batch)
        try:
            ocr = get_engine(options)
        except CardscanError as exc:
            raise BenchError(f"engine {engine!r}: {exc}", exit_code=int(exc.exit_code)) from None
        try:
            warm = read_card_result(photos.cards[0], options, ocr)
            if warm.contact is not None:
                store.put(warm.contact)
        except CardscanError:
            pass
        for card in photos.cards:
            start = time.perf_counter()
            try:
                result = read_card_result(card, options, ocr)
            except CardscanError:  # its time is left out: no stage timer saw it
                failed += 1
                continue
            read = time.perf_counter()
            if result.contact is not None:
                store.put(result.contact)
            done = time.perf_counter()
            wall += done - start
            store_seconds += done - read
            for stage, spent in result.diagnostics.get("timings", {}).items():
                seconds[stage] = seconds.get(stage, 0.0) + spent
    seconds["store"] = store_seconds
    seconds["other"] = max(0.0, wall - sum(seconds.values()))
    total = sum(seconds.values()) or 1.0
    n_cards = len(photos.cards)
    return {
        "workers": 1,
        "engine": ocr.name,
        "cards": n_cards,
        "failed_cards": failed,
        "seconds": seconds,
        "ms_per_card": {stage: 1000 * s / n_cards for stage, s in seconds.items()},
        "share": {stage: s / total for stage, s in seconds.items()},
        "non_ocr_share": 1.0 - seconds["ocr"] / total,
        "wall_seconds": wall,
    }


# --- the machine ------------------------------------------------------------------------------


def _run_text(cmd: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout + done.stderr).strip()


def machine_info(tesseract: str) -> dict[str, Any]:
    version = _run_text([tesseract, "--version"])
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu_model = platform.processor()
    try:
        import tesserocr

        bundled = tesserocr.tesseract_version().split()[1]  # its own libtesseract, not the CLI's
        tesserocr_version: str | None = f"{tesserocr.__version__} (tesseract {bundled})"
    except Exception:  # absent or broken: only reported
        tesserocr_version = None
    commit = _run_text(["git", "-C", str(ROOT), "rev-parse", "HEAD"])
    dirty = bool(_run_text(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]))
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        memory_mb: int | None = round(os.sysconf("SC_PHYS_PAGES") * PAGE_SIZE / MB)
    except (AttributeError, ValueError, OSError):
        memory_mb = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "cpu_model": cpu_model,
        "memory_mb": memory_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tesseract": version.splitlines()[0] if version else None,
        "tesseract_openmp": "OpenMP" in version,
        "tesserocr": tesserocr_version,
        "git_commit": commit or None,
        "git_dirty": dirty,
        "omp_thread_limit_in_env": os.environ.get("OMP_THREAD_LIMIT"),
    }


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --- the run ----------------------------------------------------------------------------------


def warm_up(photos: Photos, engine: str, tesseract: str, tmp: Path) -> None:
    """One untimed card through each side, and every photo read once, so caches don't skew."""
    for path in photos.images:
        path.read_bytes()
    first = photos.cards[0]
    folder = tmp / "warm-up"
    stage_photos([first], photos.folder, folder, photos.source)
    subprocess.run(
        [*cardscan_command(), "import", str(folder), "--db", str(tmp / "warm-up.db"), "--workers", "1",
         "--quiet", "--force", "--engine", engine],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(), check=False,
    )
    subprocess.run([tesseract, str(first.front), "-"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def cardscan_lang() -> str:
    from cardscan.options import Options

    return Options().lang


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of repeated runs (timeit's rule: slower ones measured the neighbours), with
    the largest memory peak of them all."""
    fastest = dict(min(runs, key=lambda r: r["seconds"]))
    for key in ("peak_mb_per_worker", "peak_mb_coordinator", "peak_mb_largest_process", "peak_mb_total_pss",
                "peak_mb_maxrss"):
        peaks = [r[key] for r in runs if r.get(key) is not None]
        if peaks:
            fastest[key] = max(peaks)
    fastest["repeats_seconds"] = [r["seconds"] for r in runs]
    return fastest


def acceptance(rows: list[dict[str, Any]], stages: dict[str, Any] | None) -> list[dict[str, Any]]:
    checks = []
    one = next((r for r in rows if r["workers"] == 1), None)
    for row in rows:
        n = row["workers"]
        checks.append({"check": "cardscan / plain tesseract images/s", "workers": n,
                       "value": row["ratio"], "target": f">= {TARGET_RATIO}",
                       "met": row["ratio"] >= TARGET_RATIO})
        if one is not None and n > 1:
            target = round(TARGET_SCALING_PER_WORKER * n, 2)
            checks.append({"check": f"{n} workers / 1 worker throughput", "workers": n,
                           "value": row["scaling"], "target": f">= {target}",
                           "met": row["scaling"] >= target})
        # The coordinator counts too: it loads the model the workers then share.
        # The kernel's high-water mark where there is one: the sampler can miss a short peak.
        peak = row["cardscan"].get("peak_mb_maxrss") or row["cardscan"]["peak_mb_largest_process"]
        checks.append({"check": "peak MB per worker (or coordinator)", "workers": n,
                       "value": peak, "target": f"<= {TARGET_PEAK_MB:g}", "met": peak <= TARGET_PEAK_MB})
    if stages is not None:
        checks.append({"check": "non-OCR share of the time", "workers": 1, "value": stages["non_ocr_share"],
                       "target": f"<= {TARGET_NON_OCR_SHARE}",
                       "met": stages["non_ocr_share"] <= TARGET_NON_OCR_SHARE})
    return checks


def bench(args: argparse.Namespace) -> dict[str, Any]:
    import importlib.util

    if not os.path.isdir("/proc/self/task") and importlib.util.find_spec("psutil") is None:
        raise BenchError("psutil is needed for the memory figures: pip install psutil", exit_code=3)
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise BenchError("tesseract is not on PATH; `make system` installs it", exit_code=3)
    cards, source = select_cards(args.samples, args.limit)
    started = datetime.now(UTC)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="cardscan-bench-") as tmp_name:
        tmp = Path(tmp_name)
        photos = stage_photos(cards, args.samples, tmp / "cards", source)
        for note in photos.notes:
            log.print(f"[yellow]note:[/yellow] {note}")
        log.print(f"bench: {len(photos.cards)} cards, {len(photos.images)} images from {args.samples} "
                  f"({source}); workers {args.workers_list}; engine {args.engine}")
        if not args.no_warm_up:
            warm_up(photos, args.engine, tesseract, tmp)
        # Rounds, not blocks: each round runs every worker count once, so a host that slows
        # down (or speeds up) during the bench weighs on every configuration alike instead of
        # on whichever ran last; the best of the rounds is kept for each.
        tries: dict[int, dict[str, list[dict[str, Any]]]] = {
            n: {"cardscan": [], "tesseract": [], "default": []} for n in args.workers_list
        }
        for attempt in range(args.repeat):
            suffix = f" (round {attempt + 1}/{args.repeat})" if args.repeat > 1 else ""
            for n in args.workers_list:
                log.print(f"  {n} worker(s){suffix}: cardscan import …")
                tries[n]["cardscan"].append(run_cardscan(photos, n, args.engine, tmp, args.interval))
                log.print(f"  {n} worker(s){suffix}: plain tesseract, OMP_THREAD_LIMIT=1 …")
                tries[n]["tesseract"].append(
                    run_tesseract(photos, n, tesseract, True, args.tesseract_lang, args.interval))
                if not args.no_default:
                    log.print(f"  {n} worker(s){suffix}: plain tesseract, default OpenMP threads …")
                    tries[n]["default"].append(
                        run_tesseract(photos, n, tesseract, False, args.tesseract_lang, args.interval))
        rows = []
        for n in args.workers_list:
            cs, ts = best(tries[n]["cardscan"]), best(tries[n]["tesseract"])
            rows.append({
                "workers": n,
                "cardscan": cs,
                "tesseract": ts,
                "tesseract_default": best(tries[n]["default"]) if tries[n]["default"] else None,
                "ratio": cs["images_per_s"] / ts["images_per_s"],
                "cpu_ratio": ts["cpu_s_per_image"] / cs["cpu_s_per_image"] if cs["cpu_seconds"] else None,
            })
        one = next((r for r in rows if r["workers"] == 1), None)
        for row in rows:
            for side, key in (("cardscan", "scaling"), ("tesseract", "tesseract_scaling")):
                row[key] = row[side]["images_per_s"] / one[side]["images_per_s"] if one else None
        stages = None
        if not args.no_stages:
            log.print("  stages: 1 worker, in process …")
            stages = profile_stages(photos, args.engine, tmp)
        n_fronts = len(photos.cards)
        n_backs = sum(1 for c in photos.cards if c.back is not None)
    return {
        "date": started.isoformat(timespec="seconds"),
        "duration_seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "machine": machine_info(tesseract),
        "load_average": {"before": load_before, "after": load_average()},
        "engine": {"requested": args.engine, "used": stages["engine"] if stages else None},
        "samples": {"folder": str(args.samples), "source": source, "limit": args.limit,
                    "cards": n_fronts, "fronts": n_fronts, "backs": n_backs, "images": len(photos.images),
                    "notes": photos.notes},
        "repeat": args.repeat,
        "warm_up": not args.no_warm_up,
        "tesseract_lang": args.tesseract_lang,
        "cardscan_lang": cardscan_lang(),
        "omp_note": OMP_NOTE,
        "runs": rows,
        "stages": stages,
        "acceptance": acceptance(rows, stages),
    }


# --- output -----------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def print_report(report: dict[str, Any]) -> None:
    m, s = report["machine"], report["samples"]
    title = (f"cardscan bench — {s['cards']} cards, {s['images']} images "
             f"({s['fronts']} fronts, {s['backs']} backs); {m['cpus_usable']} cores; "
             f"engine {report['engine']['used'] or report['engine']['requested']}")
    table = Table(title=title)
    for column in ("workers", "cardscan\ncards/s", "cardscan\nimages/s", "tesseract\nimages/s", "ratio",
                   "tesseract\n(default)\nimages/s", "scaling\nvs 1 worker", "CPU\nratio", "non-OCR\nshare",
                   "peak MB\nper worker", "peak MB\ncoordinator", "total MB\n(PSS)"):
        table.add_column(column, justify="right")
    stages = report["stages"]
    share = _fmt(stages["non_ocr_share"] * 100, ".1f", "%") if stages else "-"
    for row in report["runs"]:
        cs, default = row["cardscan"], row["tesseract_default"]
        scaling = row["scaling"] if row["workers"] != 1 else None
        table.add_row(
            str(row["workers"]), _fmt(cs["cards_per_s"]), _fmt(cs["images_per_s"]),
            _fmt(row["tesseract"]["images_per_s"]), _fmt(row["ratio"], ".2f", "x"),
            _fmt(default["images_per_s"] if default else None), _fmt(scaling, ".2f", "x"),
            _fmt(row["cpu_ratio"], ".2f", "x"), share if row["workers"] == 1 else "",
            _fmt(cs["peak_mb_per_worker"], ".0f"), _fmt(cs.get("peak_mb_coordinator"), ".0f"),
            _fmt(cs.get("peak_mb_total_pss"), ".0f"),
        )
    out.print(table)
    if stages:
        stage_table = Table(title=f"time per stage — 1 worker, {stages['cards']} cards")
        for column in ("stage", "seconds", "ms/card", "share"):
            stage_table.add_column(column, justify="left" if column == "stage" else "right")
        for stage, spent in stages["seconds"].items():
            stage_table.add_row(stage, f"{spent:.2f}", f"{stages['ms_per_card'][stage]:.0f}",
                                f"{stages['share'][stage]:.1%}")
        out.print(stage_table)
    for check in report["acceptance"]:
        mark = "[green]met[/green]" if check["met"] else "[red]not met[/red]"
        value = check["value"]
        out.print(f"  {check['check']} ({check['workers']}w): {_fmt(value, '.2f')} "
                  f"(target {check['target']}) {mark}")
    out.print(f"[dim]{OMP_NOTE}[/dim]")
    plain_lang = report["tesseract_lang"] or "eng"
    if plain_lang != report["cardscan_lang"]:
        out.print(f"[dim]plain tesseract reads with {plain_lang} (its default), cardscan with "
                  f"{report['cardscan_lang']}; --tesseract-lang {report['cardscan_lang']} compares the same "
                  "model.[/dim]")
    load = report["load_average"]["before"]
    if load and m["cpus_usable"] and load[0] > 0.5 * m["cpus_usable"]:
        out.print(f"[yellow]the machine was busy (load average {load[0]:.2f} on {m['cpus_usable']} "
                  "cores): wall-clock figures are noisy; the CPU ratio holds up better[/yellow]")
    for row in report["runs"]:
        cs = row["cardscan"]
        if cs["failed_cards"]:
            out.print(f"[yellow]{row['workers']} worker(s): {cs['failed_cards']} cards failed, so that run's "
                      f"figures are not comparable; first: {escape(cs['failures'][0])}[/yellow]")
        if cs["import_counted_cards"] not in (None, s["cards"]):
            out.print(f"[yellow]cardscan import counted {cs['import_counted_cards']} cards where the bench "
                      f"counts {s['cards']}[/yellow]")
        if row["tesseract"]["exit_code"]:
            out.print(f"[yellow]{row['workers']} worker(s): some plain tesseract runs failed "
                      f"(xargs exit {row['tesseract']['exit_code']})[/yellow]")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description="cardscan end to end against plain `tesseract IMAGE -` on the same photos (issue 9).",
    )
    parser.add_argument("--samples", type=Path, default=ROOT / "samples",
                        help="sample set (default: samples/)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N cards")
    parser.add_argument("--workers-list", default=",".join(map(str, sorted({1, cpus}))),
                        help="worker counts to measure, e.g. 1,2 (default: 1 and all cores)")
    parser.add_argument("--engine", choices=["auto", "pytesseract", "tesserocr"], default="auto")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "bench.json", help="the JSON file")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds (each runs every configuration once); the fastest of each counts")
    parser.add_argument("--tesseract-lang", default=None,
                        help="add `-l LANG` to the plain tesseract (default: plain, i.e. eng)")
    parser.add_argument("--no-default", action="store_true",
                        help="skip the plain tesseract run with default OpenMP threads")
    parser.add_argument("--no-stages", action="store_true", help="skip the time per stage")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="skip the untimed first card (for tests: the first run pays for cold caches)")
    parser.add_argument("--interval", type=float, default=0.5, help="memory sampling period, seconds")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target of issue 9 is not met")
    args = parser.parse_args(argv)
    try:
        args.workers_list = sorted({int(x) for x in str(args.workers_list).split(",") if x.strip()})
    except ValueError:
        parser.error(f"--workers-list {args.workers_list!r}: comma-separated numbers, e.g. 1,2")
    if not args.workers_list or min(args.workers_list) < 1:
        parser.error("--workers-list: numbers >= 1")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit: a number >= 1")
    if args.repeat < 1:
        parser.error("--repeat: a number >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = bench(args)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        log.print("bench: interrupted")
        return 130
    try:  # the file first: a closed pipe on the table must not lose minutes of measuring
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"bench: error: cannot write {args.out}: {exc}", file=sys.stderr)
        return 5
    with suppress(BrokenPipeError):
        print_report(report)
    log.print(f"figures written to {args.out}")
    if args.check and not all(check["met"] for check in report["acceptance"]):
        return 1
    return 0


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


if __name__ == "__main__":
    sys.exit(main())
