"""Subscriptions: RSS, Atom and JSON Feed parsed into dumps, OPML, and fetching over HTTP.

No Textual here: the CLI and the app both drive this package.
"""
