import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachsite.settings")

application = get_asgi_application()

from interviews.lib.checks import require_secret_key  # noqa: E402 - needs the app registry

require_secret_key()
