"""newsreader: read saved news-aggregator dumps in a terminal, duplicates folded."""

__version__ = "0.1.0"
