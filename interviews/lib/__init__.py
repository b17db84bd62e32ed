"""Helpers with no domain of their own, used across the layers: readiness,
word diffs, the round's timeline, mail drafts, PDF, links, paging,
spreadsheet-safe CSV, start-up checks and demo answers."""
