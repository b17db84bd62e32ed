"""What a page shows, read off its HTML whatever the markup: a section's words
and its links. The content tests of the dashboard and the practice overview
pin these before and after a page is rebuilt for speed (issue 25), so nothing
it shows is lost."""

from __future__ import annotations

import html
import re


def section(body: str, heading_id: str) -> str:
    """The HTML of the ``<section aria-labelledby=heading_id>``."""
    start = body.index(f'aria-labelledby="{heading_id}"')
    start = body.rindex("<section", 0, start)
    return body[start : body.index("</section>", start)]


def words(fragment: str) -> str:
    """The text of ``fragment``, tags dropped and white space collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\xa0", " ")
    return " ".join(text.split())


def links(fragment: str) -> list[str]:
    """Every ``href`` in ``fragment``, in order, unescaped."""
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', fragment)]


def in_order(text: str, *parts: str) -> bool:
    """``parts`` all in ``text``, each after the one before."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True
