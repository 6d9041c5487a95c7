"""Dump files in, parsed stories out: decoding, format detection and the two parsers."""
