"""Search: the answers to queries over a library's full-text index.

`index.py` holds the one entry point, `find`, and answers queries over the index the library
keeps on disk (newsreader/library/search_index/); `phrases.py` reads stories' text for phrases;
`searchable.py` says what a search reads of a library. Words are split and folded by
newsreader/words.py, queries parsed by newsreader/query.py. See docs/search.md.
"""
