"""The zone database as a person picks from it: one zone per place, grouped by
region, each named by its place and country ("Berlin (Germany)").

The database also holds old aliases ("US/Eastern", "Asia/Calcutta") and
technical names ("Etc/GMT+5"). They stay valid values (a browser may report
one), but the picker offers only the zones of the database's own list of
places, zone.tab. Without that file (a stripped-down system), every zone of
the regions below is offered instead.
"""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources
from pathlib import Path

#: The regions of the database, in the order the picker groups them.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)

Choices = list[tuple[str, list[tuple[str, str]]]]


def _table(name: str) -> list[list[str]]:
    """The rows of one of the database's tab-separated files (zone.tab,
    iso3166.tab), from the same places zoneinfo reads zones from; [] when
    there is none."""
    text = None
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            break
    if text is None:
        try:
            text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
        except (ModuleNotFoundError, OSError):
            return []
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _place(zone: str) -> str:
    return zone.partition("/")[2].replace("_", " ").replace("/", " / ")


@functools.cache
def grouped_zones() -> Choices:
    """``[(region, [(zone, "Berlin (Germany)"), …]), …, ("Other", [("UTC", "UTC")])]``,
    each region's places in alphabetical order."""
    known = zoneinfo.available_timezones()
    countries = {row[0]: row[1] for row in _table("iso3166.tab") if len(row) > 1}
    places = {row[2]: countries.get(row[0], "") for row in _table("zone.tab") if len(row) > 2}
    if not places:
        places = dict.fromkeys(known, "")
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for zone, country in places.items():
        region = zone.partition("/")[0]
        place = _place(zone)
        if zone in known and region in groups and place:
            # "Andorra", not "Andorra (Andorra)".
            label = f"{place} ({country})" if country and country not in place else place
            groups[region].append((zone, label))
    return [
        *((region, sorted(zones, key=lambda z: z[1])) for region, zones in groups.items() if zones),
        ("Other", [("UTC", "UTC")]),
    ]
