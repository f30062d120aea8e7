"""Settings of a long-lived server process that no Django setting covers."""

import gc

from django.urls import get_resolver

# Young-generation collections every 10,000 net allocations instead of 700: a large
# API page allocates some 100,000 objects, and at the default rate the collector's
# full passes landed in the middle of one request in ten (docs/performance.md).
GC_THRESHOLDS = (10_000, 10, 10)


def prepare_for_serving() -> None:
    """Import every view now and keep what is loaded out of the garbage collector's
    passes: it lives as long as the process, and scanning it again and again made
    the slowest requests' pauses."""
    get_resolver().url_patterns  # noqa: B018 - imports the views, serializers and filters
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
