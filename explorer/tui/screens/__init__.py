"""Screens: home (pick a target) and explorer (members + doc/help/source tabs)."""
