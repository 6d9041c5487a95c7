"""A feed's entries prepared in a worker process come back packed, and unpack to the same."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from newsreader.bench.feed_server import rss
from newsreader.feeds.workers import PackedFeatures, parse_and_prepare, prepare
from tests.feeds_helpers import items

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LONG = " ".join(f"word{k} of the story told at length, {k} times" for k in range(40))


def test_packed_features_unpack_to_what_prepare_gives() -> None:
    entries = [
        *items("a", 3),
        ("long", "A long one", f"<p>{LONG}</p><p>“A quote,” she said: 12, 14.5 and 1,000.</p>"),
        ("empty", "Only a title", ""),
    ]
    both = parse_and_prepare(rss("Feed", entries), "key", NOW, "Feed")
    assert not isinstance(both, str)
    feed, packed = both
    assert isinstance(packed, PackedFeatures)
    unpacked = packed.unpack(feed.dumps)
    expected = prepare(list(feed.dumps))
    assert len(unpacked) == len(expected) == 5
    assert any(p.features[0].sketch is not None for p in expected)
    assert any(p.features[0].sketch is None for p in expected)
    for got, want in zip(unpacked, expected, strict=True):
        assert got.dump is want.dump
        assert got.counts == want.counts
        np.testing.assert_array_equal(got.terms[0], want.terms[0])
        g, w = got.features[0], want.features[0]
        assert (g.exact, g.shingles, g.number_count) == (w.exact, w.shingles, w.number_count)
        assert (g.sketch is None) == (w.sketch is None)
        for name in ("sketch", "numbers", "marks", "facts"):
            a, b = getattr(g, name), getattr(w, name)
            if b is not None:
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a, b)
