"""Forms, one module per domain (the same names as views/), sharing the form
machinery in fields.py and layout.py. Validation lives in the forms; services
write."""
