"""Forms, one module per module of views/ (public, account, coach, bank, checklist,
candidate), sharing layout.py. Validation lives in the forms; services write."""
