"""Start-up checks that need the settings to be loaded first."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

NO_KEY_MESSAGE = (
    "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
    "(set DJANGO_DEBUG=1 for local development)."
)


def secret_key_is_set() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return False


def require_secret_key() -> None:
    """Called by the WSGI/ASGI entry points: never serve without a real key."""
    if not secret_key_is_set():
        raise ImproperlyConfigured(NO_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if secret_key_is_set():
        return []
    return [checks.Error(NO_KEY_MESSAGE, id="coachsite.E001")]
