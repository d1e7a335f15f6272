"""Turning content markup and conversation replies into SSML, cards and text."""
