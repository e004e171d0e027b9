"""Many cards -> CardResults, in parallel, one failure never stopping the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from cardscan.errors import CardscanError
from cardscan.model import Card
from cardscan.options import Options
from cardscan.pipeline import CardResult, read_card_result


def _init_worker() -> None:
    # One Tesseract thread per worker: the pool is the parallelism.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def read_one(card: Card, options: Options) -> CardResult:
    try:
        return read_card_result(card, options)
    except CardscanError as exc:
        return CardResult(card=card, error=str(exc), exit_code=int(exc.exit_code))
    except Exception as exc:  # a bug or an odd image must fail one card, never the batch
        return CardResult(card=card, error=f"{card.front}: unexpected error: {exc!r}", exit_code=4)


def read_many(
    cards: list[Card],
    options: Options,
    workers: int | None = None,
    on_result: Callable[[CardResult], None] | None = None,
) -> Iterator[CardResult]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(cards) <= 1:
        _init_worker()
        for card in cards:
            yield read_one(card, options)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        futures = [pool.submit(read_one, card, options) for card in cards]
        for future in as_completed(futures):
            yield future.result()
