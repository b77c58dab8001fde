"""Pressroom: one manuscript, three publications (screen PDF, EPUB, press files)."""

__version__ = "0.1.0"
