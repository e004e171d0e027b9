"""Small string measures shared by the parser and eval."""

from __future__ import annotations

import unicodedata

import numpy as np

# Above this many table cells a row-at-a-time numpy table beats the pure-Python loop (the parser's
# short labels stay on the loop; eval's whole-card texts and a runaway OCR page take numpy).
_NUMPY_CELLS = 4096


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, each costing 1."""
    if len(a) * len(b) > _NUMPY_CELLS:
        shorter, longer = sorted((a, b), key=len)
        return int(distance_row(shorter, longer)[-1])
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        previous = current
    return previous[-1]


def distance_row(needle: str, hay: str, anywhere: bool = False) -> np.ndarray:
    """Entry j is the edit distance of `needle` to `hay[:j]`, or with `anywhere` to the best `hay[s:j]`.

    One numpy row per character of `needle`, so the cost is len(needle) vectorised passes over `hay`.
    """
    steps = np.arange(len(hay) + 1, dtype=np.int64)
    hay_codes = np.frombuffer(hay.encode("utf-32-le"), dtype=np.uint32)
    row = np.zeros_like(steps) if anywhere else steps.copy()
    best = np.empty_like(steps)
    for i, char in enumerate(needle, start=1):
        best[0] = i
        np.minimum(row[:-1] + (hay_codes != ord(char)), row[1:] + 1, out=best[1:])
        # an insertion run: current[j] = min over k <= j of best[k] + (j - k)
        row = np.minimum.accumulate(best - steps) + steps
    return row


def best_substring(needle: str, hay: str) -> tuple[int, int, int]:
    """The substring of `hay` closest to `needle`: (edit distance, start, end), the shortest on ties."""
    forward = distance_row(needle, hay, anywhere=True)
    end = int(np.argmin(forward))
    # Read backwards from that end, anchored there, to find where the cheapest match starts.
    backward = distance_row(needle[::-1], hay[:end][::-1])
    length = int(np.argmin(backward))
    return int(forward[end]), end - length, end


def strip_accents(text: str) -> str:
    """The text with its letters' accents taken off (`é` -> `e`, dotless `ı` -> `i`)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")
