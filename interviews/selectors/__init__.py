"""Reads that pages share, one module per domain: querysets with their
select_related / prefetch_related already set, and page read models (the
coach's round page, the candidate's checklist and round pages, the dashboard)
that assemble one page from several reads, so each page runs a fixed number of
queries whatever the row count. Nothing here writes."""
