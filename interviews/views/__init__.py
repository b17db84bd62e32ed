"""Views, one module per domain (the same names as services/ and selectors/),
plus public.py for the anonymous pages. Each object view calls its access
helper first (interviews/access.py)."""
