"""Many cards -> CardResults, in parallel; and a whole import: cards -> store, resumable.

`read_many` runs a pool of worker processes, each reading one card at a time with Tesseract
held to one thread (the pool is the parallelism). Only one card per worker is in flight, so
memory stays flat however many cards there are, and results come back as they finish. A card
that fails becomes a CardResult with its reason; a card whose worker hangs past the time-out
(Tesseract stuck, a pathological image) or dies (a crash in a native library) fails alone, and
its worker is replaced.

`import_cards` skips cards whose photos the store already holds (by content hash), reads the
rest with `read_many` and commits each card as it finishes, so an import stopped at any point
is finished by running it again.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardscan.errors import CardscanError, ExitCode, InputError, MissingDependencyError, reading
from cardscan.model import Card, CardResult, path_text
from cardscan.ocr import OcrEngine, preload
from cardscan.options import Options

if TYPE_CHECKING:
    from cardscan.store import Store

# Seconds a card may take beyond its sides' OCR time-outs (loading and the image stage).
GRACE_SECONDS = 30.0
# A worker is replaced after this many cards, so a slow leak in a native library (libtesseract,
# OpenCV) cannot grow a worker's memory over thousands of cards.
CARDS_PER_WORKER = 200


def _limit_threads() -> None:
    # One Tesseract thread per worker: the pool is the parallelism, and OpenMP threads on top
    # of it only fight over the same cores.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _get_ready(options: Options, engine: OcrEngine | None) -> None:
    """Before the first card is read, and before any worker is forked: the OCR model loaded
    (forked workers share its pages instead of each loading a copy) and then the image
    libraries, held to one thread per process like Tesseract.

    The model is loaded first, while this process is still small: libtesseract holds about
    three copies of the `Latin` model's 89 MB dictionary for a moment while it loads it, and
    that moment is the peak of a worker's memory."""
    _limit_threads()
    if engine is None:
        with suppress(CardscanError):  # no Tesseract: each card then fails with the reason
            preload(options)
    import cv2

    import cardscan.pipeline  # noqa: F401  (imported once, here, and shared by every fork)

    cv2.setNumThreads(1)


def read_one(card: Card, options: Options, engine: OcrEngine | None = None) -> CardResult:
    """Read a card; any failure becomes the result's error, never an exception."""
    from cardscan.pipeline import read_card_result

    try:
        return read_card_result(card, options, engine)
    except CardscanError as exc:
        return CardResult(card=card, error=str(exc), exit_code=int(exc.exit_code))
    except MemoryError:
        return CardResult(card=card, error=f"{card.label}: out of memory reading this photo", exit_code=4)
    except Exception as exc:  # a bug or an odd image must fail one card, never the batch
        return CardResult(card=card, error=f"{card.label}: unexpected error: {exc!r}", exit_code=4)


def card_deadline(card: Card, options: Options) -> float:
    """Seconds a worker may spend on a card before it is stopped and the card failed."""
    sides = 2 if card.back is not None else 1
    return options.timeout * sides + GRACE_SECONDS


def _worker(conn: Connection, options: Options, engine: OcrEngine | None) -> None:
    """A pool process: reads the cards it is sent, one at a time, until told to stop (None)."""
    # Ctrl-C reaches the whole process group; the parent decides what happens, not each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_threads()
    _quiet_native_stderr()
    parent = os.getppid()
    while True:
        try:
            # Forked siblings hold copies of this pipe's far end, so a parent killed with -9 may
            # never show as EOF here: notice it by being re-parented instead.
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        index, card = job
        try:
            conn.send((index, read_one(card, options, engine)))
        except (BrokenPipeError, OSError):
            return


def _quiet_native_stderr() -> None:
    """Leptonica and libtesseract write warnings ("Error in pixScanForForeground") straight to
    file descriptor 2, which would tear through the progress bar: a worker's goes to /dev/null
    (its failures come back as results), unless CARDSCAN_DEBUG is set."""
    if os.environ.get("CARDSCAN_DEBUG"):
        return
    with suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def _context() -> Any:
    # fork starts a worker in milliseconds and needs no re-import; elsewhere (macOS, Windows)
    # fork is unsafe or missing, and spawn is the default.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@dataclass
class _Slot:
    process: Any
    conn: Connection
    job: tuple[int, Card] | None = None
    deadline: float = 0.0
    done: int = 0


class _Pool:
    def __init__(self, size: int, options: Options, engine: OcrEngine | None) -> None:
        self.options = options
        self.engine = engine
        self.context = _context()
        self.slots = [self._start() for _ in range(size)]

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker, args=(child, self.options, self.engine), daemon=True, name="cardscan-worker"
        )
        process.start()
        child.close()
        return _Slot(process=process, conn=parent)

    def _replace(self, slot: _Slot) -> _Slot:
        self._stop(slot, force=True)
        fresh = self._start()
        self.slots[self.slots.index(slot)] = fresh
        return fresh

    def _retire(self, slot: _Slot) -> None:
        with suppress(OSError):
            slot.conn.send(None)
        self._stop(slot, force=False)
        self.slots[self.slots.index(slot)] = self._start()

    @staticmethod
    def _stop(slot: _Slot, force: bool) -> None:
        """End a worker: at once with `force`, else after it finishes (killed if it won't)."""
        if force and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(timeout=5)
        slot.conn.close()

    def run(self, jobs: Iterator[tuple[int, Card]]) -> Iterator[tuple[int, CardResult]]:
        exhausted = False
        while True:
            if not exhausted:
                for slot in self.slots:
                    if slot.job is None:
                        job = next(jobs, None)
                        if job is None:
                            exhausted = True
                            break
                        try:
                            slot.conn.send(job)
                        except OSError:  # the idle worker died: a fresh one takes the card
                            slot = self._replace(slot)
                            slot.conn.send(job)
                        slot.job = job
                        slot.deadline = time.monotonic() + card_deadline(job[1], self.options)
            busy = [slot for slot in self.slots if slot.job is not None]
            if not busy:
                return
            soonest = min(slot.deadline for slot in busy)
            waitables: list[Any] = [slot.conn for slot in busy] + [slot.process.sentinel for slot in busy]
            ready = wait(waitables, timeout=max(0.0, soonest - time.monotonic()))
            now = time.monotonic()
            for slot in busy:
                assert slot.job is not None
                index, card = slot.job
                if slot.conn in ready or slot.process.sentinel in ready:
                    try:
                        got, result = slot.conn.recv()
                    except (EOFError, OSError):
                        slot.process.join(timeout=5)
                        code = slot.process.exitcode
                        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
                        self._replace(slot)
                        yield index, CardResult(
                            card=card, error=f"{card.label}: the worker reading it died ({how})",
                            exit_code=ExitCode.OCR_FAILED,
                        )
                        continue
                    slot.job = None
                    slot.done += 1
                    if slot.done >= CARDS_PER_WORKER:
                        self._retire(slot)
                    yield got, result
                elif now >= slot.deadline:
                    self._replace(slot)
                    yield index, CardResult(
                        card=card,
                        error=f"{card.label}: timed out after {card_deadline(card, self.options):g}s "
                              "(the OCR hung; the card was abandoned)",
                        exit_code=ExitCode.OCR_FAILED,
                    )

    def close(self) -> None:
        for slot in self.slots:
            if slot.job is None:
                with suppress(OSError):
                    slot.conn.send(None)
        for slot in self.slots:
            self._stop(slot, force=slot.job is not None)


def read_indexed(
    cards: Iterable[Card], options: Options, workers: int | None = None, engine: OcrEngine | None = None,
) -> Generator[tuple[int, CardResult], None, None]:
    """(position in `cards`, result) for each card, as they finish.

    `cards` is consumed lazily, one card per idle worker. `workers` defaults to every core;
    with 1 the cards are read in this process, in order (Tesseract's own time-out still holds,
    but a hang elsewhere cannot be stopped). `engine` (picklable) replaces `options.engine`.
    """
    workers = workers or os.cpu_count() or 1
    jobs = enumerate(cards)
    first = next(jobs, None)
    if first is None:  # nothing to read (all stored already): no model loaded, no worker started
        return
    _get_ready(options, engine)
    if workers == 1:
        for index, card in itertools.chain([first], jobs):
            yield index, read_one(card, options, engine)
        return
    pool = _Pool(workers, options, engine)
    try:
        yield from pool.run(itertools.chain([first], jobs))
    finally:
        pool.close()


def read_many(
    cards: Iterable[Card],
    options: Options,
    workers: int | None = None,
    on_result: Callable[[CardResult], None] | None = None,
    engine: OcrEngine | None = None,
) -> Generator[CardResult, None, None]:
    """A CardResult for each card, as they finish (see `read_indexed`)."""
    with closing(read_indexed(cards, options, workers, engine)) as results:
        for _, result in results:
            if on_result is not None:
                on_result(result)
            yield result


# --- import: cards -> store ---------------------------------------------------------------


@dataclass
class CardEvent:
    """What became of one card of an import, for progress and logs."""

    card: Card
    outcome: str  # new | merged | updated | stored (already) | duplicate | failed
    contact_id: str | None = None
    error: str | None = None
    why: str | None = None  # merged: what it shares with the contact


@dataclass
class ImportSummary:
    cards: int = 0
    new: int = 0
    merged: int = 0
    updated: int = 0
    already: int = 0  # already stored, or the same photo twice in this import
    failures: list[tuple[str, str]] = field(default_factory=list)  # (card label, reason)
    seconds: float = 0.0
    interrupted: bool = False
    failure_codes: set[int] = field(default_factory=set)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def read(self) -> int:
        """Cards the OCR worked on this time (stored or failed)."""
        return self.new + self.merged + self.updated + self.failed

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """`N cards: X new contacts, Y merged, Z already stored, F failed in Ts (R cards/s)`."""
        updated = f", {self.updated} read again" if self.updated else ""
        return (
            f"{self.cards} cards: {self.new} new contacts, {self.merged} merged{updated}, "
            f"{self.already} already stored, {self.failed} failed in {self.seconds:.1f}s "
            f"({self.rate:.2f} cards/s)"
        )

    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if not self.failures:
            return ExitCode.OK
        if self.new + self.merged + self.updated + self.already == 0:
            # Nothing was imported, so "the rest were imported" (6) would be untrue: say what
            # went wrong when every card failed the same way (e.g. 4, Tesseract crashing on
            # each), else that the inputs could not be used (2).
            if len(self.failure_codes) == 1:
                return ExitCode(next(iter(self.failure_codes)))
            return ExitCode.BAD_INPUT
        return ExitCode.SOME_CARDS_FAILED


def file_hash(path: os.PathLike[str] | str) -> str:
    """sha256 of a file's bytes (hex), or InputError naming the file and why it can't be read."""
    with reading(path), open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@contextmanager
def _ctrl_c_after() -> Iterator[None]:
    """Ctrl-C during the block takes effect when it ends (in the main thread; elsewhere Python
    delivers no signals anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if previous is signal.default_int_handler:
            raise KeyboardInterrupt
        if callable(previous):
            previous(signal.SIGINT, None)


def failure_reason(card: Card, error: str) -> str:
    """The reason alone when the error starts with the card's own path (it is shown beside it)."""
    for prefix in (f"{card.label}: ", f"{card.front}: "):
        if error.startswith(prefix):
            return error[len(prefix):]
    return error


def import_cards(
    cards: Sequence[Card],
    store: Store,
    options: Options,
    workers: int | None = None,
    force: bool = False,
    engine: OcrEngine | None = None,
    on_card: Callable[[CardEvent], None] | None = None,
) -> ImportSummary:
    """Read the cards into the store, each committed as it finishes.

    Cards whose photos are stored already are skipped (read again with `force`); a photo found
    twice is read once. Ctrl-C stops the import: what was stored stays stored and the summary
    says `interrupted`. Raises MissingDependencyError when the OCR engine itself is missing.
    """
    summary = ImportSummary(cards=len(cards))
    started = time.perf_counter()
    hashes: dict[int, tuple[str, str | None]] = {}
    # A photo found twice in one import is read once: its twins wait for that reading's outcome
    # (None while in flight; the failure's reason and exit code when it failed).
    outcome: dict[tuple[str, int], tuple[str, int] | None] = {}
    twins: dict[tuple[str, int], list[Card]] = {}
    positions: list[int] = []  # the n-th card sent to be read is cards[positions[n]]

    def report(event: CardEvent) -> None:
        if on_card is not None:
            on_card(event)

    def fail(card: Card, reason: str, exit_code: int) -> None:
        summary.failures.append((card.label, reason))
        summary.failure_codes.add(int(exit_code) or int(ExitCode.BAD_INPUT))
        store.record_failure(path_text(card.front), card.page, reason, exit_code)
        report(CardEvent(card, "failed", error=reason))

    def settle_twin(card: Card, failed: tuple[str, int] | None) -> None:
        if failed is None:
            summary.already += 1
            report(CardEvent(card, "duplicate"))
        else:
            fail(card, *failed)

    def photo_hash(path: Path) -> str:
        """A photo's sha256; from the store when the file is unchanged since it was hashed."""
        try:
            info = path.stat()
        except OSError:
            return file_hash(path)  # raises InputError with the reason
        known = None if force else store.known_hash(path_text(path), info.st_size, info.st_mtime_ns)
        if known is None:
            known = file_hash(path)
            store.remember_hash(path_text(path), info.st_size, info.st_mtime_ns, known)
        return known

    def to_read() -> Iterator[Card]:
        """The cards that need the OCR, hashing each photo just before it is needed."""
        for index, card in enumerate(cards):
            try:
                front = photo_hash(card.front)
                back = photo_hash(card.back) if card.back is not None else None
            except InputError as exc:
                fail(card, failure_reason(card, str(exc)), exc.exit_code)
                continue
            key = (front, card.page)
            if key in outcome:
                if key in twins:
                    twins[key].append(card)
                else:
                    settle_twin(card, outcome[key])
                continue
            if not force and store.is_read(front, card.page, back):
                summary.already += 1
                report(CardEvent(card, "stored"))
                continue
            outcome[key] = None
            twins[key] = []
            hashes[index] = (front, back)
            positions.append(index)
            yield card

    try:
        with closing(read_indexed(to_read(), options, workers, engine)) as results:
            for order, result in results:
                card = cards[positions[order]]
                front, back = hashes.pop(positions[order])
                key = (front, card.page)
                if result.contact is None:
                    if result.exit_code == ExitCode.MISSING_DEPENDENCY:
                        raise MissingDependencyError(result.error or "a dependency is missing")
                    failed = (failure_reason(card, result.error or "failed"), result.exit_code or 4)
                    outcome[key] = failed
                    fail(card, *failed)
                else:
                    with _ctrl_c_after():  # a card committed is a card counted in the summary
                        stored = store.add_card(result.contact, front, card.page, back)
                        setattr(summary, stored.outcome, getattr(summary, stored.outcome) + 1)
                    report(CardEvent(card, stored.outcome, stored.contact_id, why=stored.why))
                for twin in twins.pop(key):
                    settle_twin(twin, outcome[key])
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.seconds = time.perf_counter() - started
    return summary
