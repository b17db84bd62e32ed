#!/usr/bin/env bash
# Screenshots of the interview brief for review: the page at 1280 and 390 px (as
# shown and as printed) and the first page of its PDF as a PNG.
#
#     bash scripts/brief_screenshots.sh
#
# Runs the brief's browser journey (tests/browser/test_brief_journey.py), which
# saves the screenshots and the downloaded PDF in test-artifacts/6-interview-brief-*/,
# then turns each PDF's first page into brief-page-1.png with pdftoppm (Debian's
# poppler-utils). For looking at the brief, not for testing it: CI does not need
# poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pdftoppm >/dev/null 2>&1; then
  echo "pdftoppm is missing: apt-get install poppler-utils" >&2
  exit 1
fi

.venv/bin/python -m pytest -q -p no:cacheprovider tests/browser/test_brief_journey.py

for pdf in test-artifacts/6-interview-brief-*/brief.pdf; do
  folder="$(dirname "$pdf")"
  pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$pdf" "$folder/brief-page-1"
  echo "$folder/brief-page-1.png"
done
ls test-artifacts/6-interview-brief*/*.png
