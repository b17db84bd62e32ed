"""HTML to PDF with WeasyPrint, reading nothing over the network.

WeasyPrint needs system libraries (Pango, HarfBuzz, fonts; see README.md). On a
machine without them it cannot be imported, and ``html_to_pdf`` raises
``PdfUnavailable`` so the page can say so instead of failing with a 500.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint cannot run on this machine (not installed, or its libraries are missing)."""


def static_file(url: str) -> Path | None:
    """The file on disk behind a ``/static/…`` URL (any host), or None.

    Looked up with the staticfiles finders, as in development, then in
    STATIC_ROOT, where collectstatic put the hashed names that ``{% static %}``
    gives in production. Both refuse paths that climb out of their folders.
    """
    path = urlsplit(url).path
    prefix = "/" + urlsplit(settings.STATIC_URL).path.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    name = unquote(path.removeprefix(prefix))
    try:
        found = finders.find(name)
        if not found:
            found = staticfiles_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        return None
    file = Path(found)
    return file if file.is_file() else None


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: a system library is missing
        logger.warning("PDF unavailable: WeasyPrint cannot be loaded (%s)", error)
        raise PdfUnavailable(str(error)) from error
    return weasyprint


@functools.cache
def _fetcher_class(weasyprint):
    """A WeasyPrint URL fetcher that serves static files from disk and refuses
    everything else (``data:`` URLs aside, which carry their own content)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            file = static_file(url)
            if file is None:
                raise ValueError(f"the PDF loads static files only, not {url}")
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=file.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesFetcher


def warm_up() -> None:
    """Import WeasyPrint and make one tiny PDF, so that its start-up (the
    import: ~0.4 s and ~45 MiB here; Pango and the fonts: the first render)
    is paid once per process, not by the first real PDF. Raises PdfUnavailable
    as ``html_to_pdf`` does."""
    html_to_pdf("<!doctype html><title>-</title><p>-</p>", base_url="http://localhost/")


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of a complete HTML document. ``base_url`` resolves its relative
    links; stylesheets and images must be static files."""
    weasyprint = _weasyprint()
    fetcher = _fetcher_class(weasyprint)()
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
