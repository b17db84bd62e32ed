"""Email as the worker sends it: the text every email is written in, and the
same text laid out as HTML by templates/emails/base.html (paragraphs, lists,
links made clickable, a readable width on a phone) for the HTML part.

The HTML is drawn from the text, line by line, so both parts carry the same
words whatever the template: a template is written once, as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: A web address; trailing punctuation belongs to the sentence, not the link.
_URL = r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]"
#: An email address, as people write them.
_ADDRESS = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_LINKS = re.compile(rf"(?P<url>{_URL})|(?P<address>{_ADDRESS})")

# Inline styles: an email client keeps no stylesheet. A link or an address is
# never broken across lines; a web address too long for a phone's width is
# cut short with "…" on screen (the whole of it is still the link).
LINK_STYLE = (
    "color:#0b57d0;display:inline-block;max-width:100%;overflow:hidden;"
    "text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom;"
)
ADDRESS_STYLE = "color:#0b57d0;white-space:nowrap;word-break:keep-all;"

#: The line a signature starts with (RFC 3676): what follows is the footer.
SIGNATURE = "-- "
_RULE = re.compile(r"^[—-]{6,}$")


@dataclass
class Block:
    """A paragraph (lines kept as written), a list, or a rule between parts."""

    kind: str  # "p", "ul", "hr", or "h": the one-line title after a rule
    lines: list[SafeString] = field(default_factory=list)


def linked(text: str) -> SafeString:
    """``text`` escaped, with its web and email addresses made links."""
    out, last = [], 0
    for match in _LINKS.finditer(text):
        out.append(escape(text[last : match.start()]))
        if match["url"]:
            href, style, shown = match["url"], LINK_STYLE, match["url"]
        else:
            href, style, shown = f"mailto:{match['address']}", ADDRESS_STYLE, match["address"]
        out.append(format_html('<a href="{}" style="{}">{}</a>', href, style, shown))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def blocks(text: str) -> list[Block]:
    """The text's paragraphs (separated by blank lines); within one, lines that
    start with "- " make a list and the other lines a paragraph. A line of
    dashes is a rule, and a one-line paragraph after it a title."""
    found: list[Block] = []
    current: Block | None = None
    for line in text.splitlines():
        line = line.rstrip()
        if not line.strip():
            current = None
            continue
        if _RULE.match(line.strip()):
            found.append(Block("hr"))
            current = None
            continue
        kind = "ul" if line.startswith("- ") else "p"
        if current is None and kind == "p" and found and found[-1].kind == "hr":
            kind = "h"  # a combined email's part starts with its subject
        elif current is not None and current.kind == "h":
            current.kind = "p"  # more than one line: a paragraph after all
        if current is None or current.kind != kind:
            current = Block(kind)
            found.append(current)
        current.lines.append(linked(line[2:] if kind == "ul" else line))
    return found


def html_from_text(subject: str, text: str) -> str:
    """The HTML part of an email written as ``text``; what follows the
    signature line is set apart as the footer."""
    lines = text.splitlines()
    if SIGNATURE in lines:
        cut = lines.index(SIGNATURE)
        body, footer = "\n".join(lines[:cut]), "\n".join(lines[cut + 1 :])
    else:
        body, footer = text, ""
    return render_to_string(
        "emails/base.html",
        {"subject": subject, "blocks": blocks(body), "footer": blocks(footer)},
    )


def message(
    *, subject: str, body: str, to: str, headers: dict | None = None, reply_to: str = ""
) -> EmailMultiAlternatives:
    """The email as it goes out: the text, with the same text as HTML beside it."""
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[to],
        headers=headers or None,
        reply_to=[reply_to] if reply_to else None,
    )
    email.attach_alternative(html_from_text(subject, body), "text/html")
    return email
