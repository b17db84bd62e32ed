"""Reads that pages share: querysets with their select_related / prefetch_related
already set, so each page runs a fixed number of queries whatever the row count."""

from __future__ import annotations
