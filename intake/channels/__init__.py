"""Channels turn a source item (a file, a message) into a committed contact."""
