"""Finding the card in a photo: its quadrilateral, in photo pixels.

Works on a copy scaled to DETECT_LONG_SIDE (speed), proposes quadrilaterals from several cues
(edges, colour distance from the desk, brightness), fits each with straight sides (so rounded
corners land where the sides meet) and keeps the one whose sides sit best on image edges.
A scan with no desk around the card, or a photo where nothing card-like is found, is used whole.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

DETECT_LONG_SIDE = 800
MIN_AREA = 0.03  # of the photo: a card far away is still read, a logo box is not a card
MIN_SCORE = 0.45  # below this the photo is taken to be the card itself (a scan)
EDGE_LEVEL = 24.0  # gradient (3x3 Sobel, any Lab channel) of a card's side on the desk


def downscale(image: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most `long_side`, and the factor applied."""
    height, width = image.shape[:2]
    factor = min(1.0, long_side / max(height, width))
    if factor >= 1.0:
        return image, 1.0
    return shrink(image, factor), factor


def shrink(image: np.ndarray, factor: float) -> np.ndarray:
    """The image scaled down by `factor` (< 1) with area averaging, as cv2.INTER_AREA does.

    OpenCV's area resampling is fast for an exact halving and 2-4x slower for any other
    ratio, in proportion to the source pixels: a 12-megapixel phone photo is halved (to
    within one pixel) until the rest of the way is less than half, and only then resampled.
    """
    height, width = image.shape[:2]
    target = (max(1, round(width * factor)), max(1, round(height * factor)))
    while image.shape[1] >= 2 * target[0] and image.shape[0] >= 2 * target[1]:
        image = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if (image.shape[1], image.shape[0]) == target:
        return image
    return cv2.resize(image, target, interpolation=cv2.INTER_AREA)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as TL, TR, BR, BL of the photo frame: clockwise, the top edge first."""
    pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y grows downwards)
    # The top edge is the one whose direction is closest to "rightwards".
    best = max(range(4), key=lambda i: _unit(pts[(i + 1) % 4] - pts[i])[0])
    return np.roll(pts, -best, axis=0)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.hypot(*v))
    return v / n if n else v


def find_card(photo: np.ndarray) -> np.ndarray | None:
    """The card's corners (TL, TR, BR, BL of the photo frame) in photo pixels, or None.

    None means no card-like quadrilateral stands out: the photo is a scan of the card alone
    (or the card fills the frame), and the caller uses it whole.
    """
    small, factor = downscale(photo, DETECT_LONG_SIDE)
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    evidence = _Evidence(small)
    scored = []
    for points in _candidate_outlines(small, evidence):
        quad = fit_quad(points)
        if quad is None:
            continue
        scored.append((evidence.score(quad), quad))
    scored.sort(key=lambda item: item[0], reverse=True)
    for score, quad in scored:
        if score < MIN_SCORE:
            break
        if _aspect(quad) < SQUARE_ASPECT and _holds_qr_code(small, quad):
            continue  # the QR code printed on the card, not the card
        quad = _extend_over_bands(quad, score, evidence)
        return quad / factor
    # A dark band on a dark desk can leave only the light part of the card outlined, too long
    # and thin for a card: such a part is pushed out over the band.
    for _, quad in scored:
        if MAX_ASPECT < _aspect(quad) <= BAND_PART_ASPECT:
            whole = _extend_over_bands(quad, 0.0, evidence)
            if whole is not quad and evidence.score(whole) >= MIN_SCORE:
                return whole / factor
    return None


MAX_ASPECT = 2.6  # long side / short side: longer than this is no card
BAND_PART_ASPECT = 4.0  # ... but may be a card's light part beside a dark band of a third of it
SQUARE_ASPECT = 1.45  # below this a candidate may be a QR code (seen at an angle): look for finder patterns


def _aspect(quad: np.ndarray) -> float:
    sides = [float(np.hypot(*(quad[(i + 1) % 4] - quad[i]))) for i in range(4)]
    long_side = max(sides[0] + sides[2], sides[1] + sides[3])
    return long_side / max(1e-6, min(sides[0] + sides[2], sides[1] + sides[3]))


def _holds_qr_code(small: np.ndarray, quad: np.ndarray) -> bool:
    """Whether a QR code (its finder patterns) fills most of the quadrilateral."""
    height, width = small.shape[:2]
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    margin = max(4, int(0.15 * max(x1 - x0, y1 - y0)))  # the quiet zone and the patterns' edge
    x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
    x1, y1 = min(width, x1 + margin), min(height, y1 + margin)
    crop = cv2.cvtColor(small[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    try:
        found, points = cv2.QRCodeDetector().detect(crop)
    except cv2.error:
        return False
    if not found or points is None:
        return False
    code_area = float(cv2.contourArea(points.reshape(-1, 2).astype(np.float32)))
    return code_area >= 0.4 * float(cv2.contourArea(quad.astype(np.float32)))


def _extend_over_bands(quad: np.ndarray, score: float, evidence: _Evidence) -> np.ndarray:
    """A card with a dark colour band on a dark desk: the light part has the clearest outline;
    push each side out to the edge beyond the band when that makes about as good a card
    (BAND_SCORE_SHARE) and the strip added is unlike the desk."""
    best_quad, best_score = quad, score
    for side in range(4):
        a, b = quad[side], quad[(side + 1) % 4]
        prev_a, next_b = quad[side - 1], quad[(side + 2) % 4]
        direction = _unit(b - a)
        outward = np.array([direction[1], -direction[0]])  # left of a clockwise outline
        depth = float(np.hypot(*(prev_a - a)))
        # Every parallel line at once (numpy, not a Python loop of 30): the nearest one that
        # sits on an edge is the band's far side.
        starts = a[None, :] + outward[None, :] * (np.arange(0.1, 0.7, 0.02) * depth)[:, None]
        new_a = _intersect_many(prev_a, _unit(a - prev_a), starts, direction)
        new_b = _intersect_many(next_b, _unit(b - next_b), starts, direction)
        if new_a is None or new_b is None:
            continue
        supports = evidence.side_supports(new_a, new_b)
        on_edge = np.flatnonzero(supports >= BAND_EDGE_SUPPORT)
        if len(on_edge):
            far_a, far_b = new_a[on_edge[0]], new_b[on_edge[0]]
        else:
            # Seen in perspective the band's far edge is not quite parallel to the near one, and
            # no parallel line lies on enough of it: the nearest on part of it is tilted onto it.
            # (Tilting every line found, not only these, moved card-068's outline off the card.)
            near = np.flatnonzero(supports >= BAND_EDGE_PART)
            if not len(near):
                continue
            far_a, far_b = _tilt_onto_edge(new_a[near[0]], new_b[near[0]], prev_a, next_b, depth, evidence)
            if far_a is None or far_b is None:
                continue
        candidate = quad.copy()
        candidate[side], candidate[(side + 1) % 4] = far_a, far_b
        candidate_score = evidence.score(candidate)
        if candidate_score > best_score * BAND_SCORE_SHARE and evidence.unlike_desk(candidate, quad):
            best_quad, best_score = candidate, candidate_score
    return best_quad


# The card pushed out over a band is kept when it scores this share of the light part's or
# more (and the band looks unlike the desk): its sides are on edges as the light part's are,
# and the light part can score higher for its aspect alone (a card's third cut off can still
# look like a card). 1.05, "a better card", missed the band on 6 of 60 synthetic photos of a
# dark band on a dark desk (tests/test_image.py); 0.9 changes no sample card.
BAND_SCORE_SHARE = 0.9
# A band's far edge: the share of a side's points on an edge (a line of text scores ~0.4).
BAND_EDGE_SUPPORT = 0.75
BAND_EDGE_PART = 0.55
BAND_TILT = 0.05  # of the card's depth: how far each end of the line may move along its side


def _tilt_onto_edge(
    a: np.ndarray, b: np.ndarray, prev_a: np.ndarray, next_b: np.ndarray, depth: float, evidence: _Evidence,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The segment with its ends moved along their sides (towards prev_a and next_b or away)
    that lies best on an edge, when it lies on one (BAND_EDGE_SUPPORT); else (None, None)."""
    reach = max(2, int(BAND_TILT * depth))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    ends_a = a[None, :] + offsets[:, None] * _unit(prev_a - a)[None, :]
    ends_b = b[None, :] + offsets[:, None] * _unit(next_b - b)[None, :]
    starts = np.repeat(ends_a, len(offsets), axis=0)
    stops = np.tile(ends_b, (len(offsets), 1))
    supports = evidence.side_supports(starts, stops)
    best = int(np.argmax(supports))
    if supports[best] < BAND_EDGE_SUPPORT:
        return None, None
    return starts[best], stops[best]


def _intersect_many(p: np.ndarray, r: np.ndarray, starts: np.ndarray, s: np.ndarray) -> np.ndarray | None:
    """Where the line p + t·r meets each line starts[i] + u·s (all parallel), or None."""
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-6:
        return None
    rel = starts - p[None, :]
    t = (rel[:, 0] * s[1] - rel[:, 1] * s[0]) / cross
    return p[None, :] + t[:, None] * r[None, :]


class _Evidence:
    """Edge maps of the small photo, for scoring how well a quadrilateral sits on edges."""

    def __init__(self, small: np.ndarray) -> None:
        lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB)
        self.lab = lab
        # A card edge, even white on a light desk, is a steady step of a few levels; text
        # inside the card is stronger but does not follow the quadrilateral's sides. An edge:
        # a gradient above EDGE_LEVEL in any channel, within a pixel. Sobel of 8 bits is whole
        # numbers, so gx² + gy² > EDGE_LEVEL² is exact where the magnitude's sqrt is not: the
        # gradients fit 16 bits (at most 4 * 255), their squares and sums float32 exactly
        # (under 2**24), so they are taken as 16-bit and squared straight into float32.
        strong = np.zeros(small.shape[:2], bool)
        for channel in cv2.split(lab):
            gx = cv2.Sobel(channel, cv2.CV_16S, 1, 0, ksize=3)
            gy = cv2.Sobel(channel, cv2.CV_16S, 0, 1, ksize=3)
            squared = cv2.add(cv2.multiply(gx, gx, dtype=cv2.CV_32F), cv2.multiply(gy, gy, dtype=cv2.CV_32F))
            strong |= squared > EDGE_LEVEL**2
        self.edges = cv2.dilate(strong.view(np.uint8), np.ones((3, 3), np.uint8))  # 0 or 1
        self.height, self.width = small.shape[:2]
        border = np.concatenate([lab[:4].reshape(-1, 3), lab[-4:].reshape(-1, 3),
                                 lab[:, :4].reshape(-1, 3), lab[:, -4:].reshape(-1, 3)])
        self.desk = np.median(border.astype(np.float32), axis=0)
        self.desk_spread = float(np.median(np.abs(border.astype(np.float32) - self.desk).sum(axis=1)))

    def score(self, quad: np.ndarray) -> float:
        """0..1: how card-like the quadrilateral is and how well its sides follow edges."""
        area = float(cv2.contourArea(quad.astype(np.float32)))
        frac = area / (self.width * self.height)
        if frac < MIN_AREA or not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
            return 0.0
        sides = [float(np.hypot(*(quad[(i + 1) % 4] - quad[i]))) for i in range(4)]
        if min(sides) < 8:
            return 0.0
        for i in range(4):
            a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
            cosine = float(np.dot(a, b) / (np.hypot(*a) * np.hypot(*b)))
            if abs(cosine) > 0.6:  # an angle outside ~53°..127°: not a card, however seen
                return 0.0
        long_side = max(sides[0] + sides[2], sides[1] + sides[3])
        short_side = min(sides[0] + sides[2], sides[1] + sides[3])
        aspect = long_side / short_side
        if aspect > MAX_ASPECT:
            return 0.0
        # Most cards are 1.4–1.9; squares (QR codes, logos) are the usual false finds.
        if 1.45 <= aspect <= 1.95:
            aspect_prior = 1.0
        elif 1.25 <= aspect <= 2.3:
            aspect_prior = 0.9
        elif aspect > 2.3:
            aspect_prior = 0.8
        else:  # square cards exist, but a square is far more often a QR code, a logo or a band
            aspect_prior = 0.7
        support = np.mean(self.side_supports(quad, np.roll(quad, -1, axis=0)))
        return float(support**2 * aspect_prior * (0.6 + 0.4 * min(1.0, frac / 0.25) ** 0.5))

    def unlike_desk(self, outer: np.ndarray, inner: np.ndarray) -> bool:
        """Whether the strip between two nested quads looks unlike the desk (a band, not wood)."""
        mask = np.zeros((self.height, self.width), np.uint8)
        cv2.fillConvexPoly(mask, np.round(outer).astype(np.int32), 1)
        cv2.fillConvexPoly(mask, np.round(inner).astype(np.int32), 0)
        strip = self.lab[mask.astype(bool)].astype(np.float32)
        if not len(strip):
            return False
        distance = float(np.abs(np.median(strip, axis=0) - self.desk).sum())
        return distance > max(12.0, 2.0 * self.desk_spread)

    def side_supports(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """For each segment (k×2 start and end points): the share of points along its middle
        90% that lie on an edge."""
        lengths = np.hypot(*(ends - starts).T)
        n = np.maximum(8, (lengths / 3).astype(int))
        j = np.arange(int(n.max()))[None, :]
        t = j * (0.9 / (n[:, None] - 1)) + 0.05  # np.linspace(0.05, 0.95, n) row by row
        t[np.arange(len(n)), n - 1] = 0.95
        valid = j < n[:, None]
        pts = starts[:, None, :] * (1 - t[..., None]) + ends[:, None, :] * t[..., None]
        xs = np.clip(np.round(pts[..., 0]).astype(int), 0, self.width - 1)
        ys = np.clip(np.round(pts[..., 1]).astype(int), 0, self.height - 1)
        # A card running off the photo has a side along the frame with no edge to see: count
        # it half, so a card touching the frame still wins over nothing.
        on_frame = (xs <= 2) | (ys <= 2) | (xs >= self.width - 3) | (ys >= self.height - 3)
        hits = np.where(on_frame, 0.5, self.edges[ys, xs].astype(np.float64))
        # halves and ones: the sums are exact in any order, so each mean is hits.mean()'s
        return np.asarray((hits * valid).sum(axis=1) / n, dtype=np.float64)


def _candidate_outlines(small: np.ndarray, evidence: _Evidence) -> Iterator[np.ndarray]:
    """Point sets that may outline the card, from several independent cues."""
    height, width = small.shape[:2]
    min_area = MIN_AREA * width * height
    masks = []
    # 1. Closed edge loops: the card's outline as edges, filled.
    soft_gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.Canny(soft_gray, 20, 60)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    masks.append(edges)
    # 2. Colour distance from the desk, the desk being what the photo's border shows.
    desk = np.append(np.round(evidence.desk), 0.0).astype(np.float64)  # 4 values: a cv2 Scalar
    # L1: the three channels' differences summed (exact in 16 bits)
    channels = cv2.split(cv2.absdiff(evidence.lab, desk))
    distance = cv2.add(cv2.add(channels[0], channels[1], dtype=cv2.CV_16U), channels[2], dtype=cv2.CV_16U)
    distance = cv2.convertScaleAbs(distance, alpha=255.0 / max(1.0, float(distance.max())))
    _, far = cv2.threshold(distance, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(far)
    # 2b. Colour alone (a and b, not lightness): a coloured card on a desk of another colour
    # whatever the light, and apart from dark or grey things beside it (a laptop).
    chroma = cv2.add(channels[1], channels[2], dtype=cv2.CV_16U)
    chroma = cv2.convertScaleAbs(chroma, alpha=255.0 / max(1.0, float(chroma.max())))
    _, coloured = cv2.threshold(chroma, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(coloured)
    # 3. Brightness: a light card on a dark desk, or the reverse.
    _, bright = cv2.threshold(soft_gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(bright)
    masks.append(255 - bright)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    for i, mask in enumerate(masks):
        if i > 0:
            mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
            mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contours = sorted(contours, key=cv2.contourArea, reverse=True)[:4]
        for contour in contours:
            if cv2.contourArea(cv2.convexHull(contour)) >= min_area:
                yield contour.reshape(-1, 2).astype(np.float32)


def fit_quad(points: np.ndarray) -> np.ndarray | None:
    """The quadrilateral with straight sides that best fits a point set's convex hull."""
    hull = cv2.convexHull(points.reshape(-1, 1, 2).astype(np.float32))
    perimeter = cv2.arcLength(hull, True)
    if perimeter <= 0:
        return None
    approx = None
    for eps in (0.01, 0.02, 0.03, 0.045, 0.06, 0.08, 0.1):
        candidate = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(candidate) == 4:
            approx = candidate
            break
        if len(candidate) < 4:
            break
    if approx is None:
        approx = cv2.boxPoints(cv2.minAreaRect(hull))
    quad = order_corners(approx.reshape(4, 2))
    return _refine_sides(quad, hull.reshape(-1, 2).astype(np.float64))


def _refine_sides(quad: np.ndarray, hull: np.ndarray) -> np.ndarray:
    """Fit a line to the middle of each side and intersect them: rounded corners meet sharp."""
    samples = _resample(hull, step=1.0)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        length = float(np.hypot(*(b - a)))
        direction = (b - a) / length
        normal = np.array([-direction[1], direction[0]])
        rel = samples - a
        along = rel @ direction / length
        across = np.abs(rel @ normal)
        near = samples[(along > 0.15) & (along < 0.85) & (across < max(2.0, 0.03 * length))]
        if len(near) >= 5:
            vx, vy, x0, y0 = cv2.fitLine(near.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
            lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
        else:
            lines.append((a, direction))
    refined = []
    for i in range(4):
        point = _intersect(lines[i - 1], lines[i])
        if point is None or float(np.hypot(*(point - quad[i]))) > 0.15 * max(1.0, _perimeter(quad) / 4):
            point = quad[i]
        refined.append(point)
    return np.array(refined, dtype=np.float64)


def _perimeter(quad: np.ndarray) -> float:
    return float(sum(np.hypot(*(quad[(i + 1) % 4] - quad[i])) for i in range(4)))


def _resample(polygon: np.ndarray, step: float) -> np.ndarray:
    """Points every `step` pixels (or so) along the closed polygon's sides."""
    if not len(polygon):
        return polygon
    ends = np.roll(polygon, -1, axis=0)
    counts = np.maximum(1, (np.hypot(*(ends - polygon).T) / step).astype(int))
    side = np.repeat(np.arange(len(polygon)), counts)
    k = np.arange(len(side)) - np.repeat(np.cumsum(counts) - counts, counts)
    t = (k / counts[side])[:, None]
    return polygon[side] * (1 - t) + ends[side] * t


def _intersect(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, r), (q, s) = l1, l2
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-6:
        return None
    t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / cross
    return p + t * r


def card_size(quad: np.ndarray) -> tuple[float, float]:
    """The flattened card's width and height in photo pixels (longest opposite sides)."""
    top = np.hypot(*(quad[1] - quad[0]))
    bottom = np.hypot(*(quad[2] - quad[3]))
    left = np.hypot(*(quad[3] - quad[0]))
    right = np.hypot(*(quad[2] - quad[1]))
    return float(max(top, bottom)), float(max(left, right))
