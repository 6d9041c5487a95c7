"""Screens pushed over the main list and reader: statistics, and the like."""
