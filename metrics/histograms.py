"""Fixed-bucket histograms of durations, so that a median or a p90 of any window is
read from summed counts instead of the raw rows.

A duration falls in the first bucket whose upper edge it does not exceed; the last
bucket is open-ended. Each bucket's upper edge is at most twice its lower one, up to
a third more above 16 hours (or 5 days), and a quantile is interpolated linearly
inside its bucket, so it is off by at most half a bucket: about ±25 % of the value,
and ±0.25 h under an hour. A quantile that falls in the open bucket is reported as the
bucket's lower edge ("at least"). See docs/metrics.md#precision-of-medians-and-p90s.
"""

from bisect import bisect_left
from collections.abc import Mapping

from metrics.models import Measure

HOUR = 3600
DAY = 86400

# Upper edges, in hours: lateness and time to feedback (business or calendar hours).
HOUR_EDGES = (0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48, 64, 80, 120, 160, 240, 320, 480)
# Upper edges, in days: time to hire.
DAY_EDGES = (1, 2, 3, 5, 7, 10, 14, 21, 28, 35, 42, 56, 70, 90, 120, 150, 180, 240, 365)

UNITS: dict[str, tuple[int, tuple[float, ...]]] = {
    Measure.LATENESS: (HOUR, HOUR_EDGES),
    Measure.FEEDBACK_BUSINESS: (HOUR, HOUR_EDGES),
    Measure.FEEDBACK_CALENDAR: (HOUR, HOUR_EDGES),
    Measure.TIME_TO_HIRE: (DAY, DAY_EDGES),
}
_EDGE_SECONDS = {
    measure: tuple(round(edge * unit) for edge in edges) for measure, (unit, edges) in UNITS.items()
}


def bucket(measure: str, seconds: int) -> int:
    """The bucket of a duration of `seconds` (whole seconds, never negative)."""
    return bisect_left(_EDGE_SECONDS[measure], seconds)


def quantile(measure: str, counts: Mapping[int, int], share: float) -> float | None:
    """The `share` quantile (0.5: median) of a histogram {bucket: count}, in the
    measure's unit (hours or days), rounded to one decimal; None when it is empty."""
    total = sum(counts.values())
    if total <= 0:
        return None
    _, edges = UNITS[measure]
    rank = share * total
    seen = 0
    for index in sorted(counts):
        count = counts[index]
        if count <= 0:
            continue
        if seen + count >= rank:
            lower = edges[index - 1] if index > 0 else 0.0
            if index >= len(edges):
                return round(float(lower), 1)
            return round(lower + (edges[index] - lower) * (rank - seen) / count, 1)
        seen += count
    return None  # pragma: no cover - the loop always reaches the rank
