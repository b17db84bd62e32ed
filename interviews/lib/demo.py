"""Sample answers for a checklist: the demo data, the tests and the browser
journeys fill checklists the same way, through ``services.checklists.assignment_save``.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Mapping

from ..models import Assignment, ItemKind

SAMPLE_EMAIL = {
    "email_to": "pat@example.com",
    "email_subject": "Thank you",
    "email_body": "Thank you for your time.",
}


def sample_responses(
    assignment: Assignment,
    *,
    text: str = "Answer to {prompt}",
    email: Mapping[str, str] = SAMPLE_EMAIL,
    answers: Mapping[int, dict] | None = None,
    required_only: bool = False,
) -> dict[int, tuple[int, dict]]:
    """The ``responses`` of ``services.checklists.assignment_save`` that complete every item
    (every required one with ``required_only``), each at its current version.

    An item gets ``answers[position]`` when given; otherwise a written answer
    from ``text`` (formatted with the item's ``prompt``), a tick for a task, or
    ``email`` for a thank-you email.
    """
    answers = answers or {}
    responses = {}
    for item in assignment.items.all():
        if required_only and not item.required:
            continue
        if item.position in answers:
            values = dict(answers[item.position])
        elif item.kind == ItemKind.TEXT:
            values = {"response_text": text.format(prompt=item.prompt)}
        elif item.kind == ItemKind.CHECK:
            values = {"done": True}
        else:
            values = dict(email)
        responses[item.pk] = (item.version, values)
    return responses


def sample_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF with ``title`` and ``lines`` in Helvetica,
    built with the standard library (the demo's portfolio piece; tests).
    Text is kept to printable ASCII, as the standard font's encoding expects."""

    def literal(text: str) -> str:
        text = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    ops = ["BT", "/F1 20 Tf", "72 760 Td", f"{literal(title)} Tj", "/F1 11 Tf", "0 -30 Td"]
    for line in lines:
        ops += [f"{literal(line)} Tj", "0 -16 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sample_wav(seconds: float = 2.0, *, rate: int = 8000) -> bytes:
    """A short mono WAV of a soft rising tone, made with the standard library
    (the demo's rehearsal take; tests)."""
    frames = bytearray()
    count = int(seconds * rate)
    for n in range(count):
        pitch = 220 + 220 * n / max(count, 1)
        value = int(6000 * math.sin(2 * math.pi * pitch * n / rate))
        frames += struct.pack("<h", value)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()
