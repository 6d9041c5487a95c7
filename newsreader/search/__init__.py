"""Full-text search over titles and bodies: an inverted index of words and word pairs on disk.

`index.py` answers queries (`search`, `ensure_indexed`); `segments.py` is the file format and
its writing and merging; `tokens.py` splits and folds words for both. See docs/search.md.
"""
