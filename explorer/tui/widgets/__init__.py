"""Widgets of the explorer screens; each announces what happened with its own Message."""
