"""Django's PostgreSQL backend with a health check that needs no round trip
(base.py); settings.py uses it unless DATABASE_HEALTH_CHECK=query."""
