"""How an interview time is written (interviews/lib/when.py): always with its
zone, the same in every template through the ``when`` filters."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from interviews.lib.when import in_both_zones, when, when_span, zone_abbreviation

UTC = datetime.UTC
#: Thursday 25 March 2027, 14:00 UTC.
START = datetime.datetime(2027, 3, 25, 14, 0, tzinfo=UTC)
NOW = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@pytest.fixture(autouse=True)
def _march_2027():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("style", "written"),
    [
        ("short", "Thu 25 Mar, 15:00 CET"),
        ("long", "Thursday 25 March 2027, 15:00 CET"),
        ("time", "15:00 CET"),
    ],
)
def test_each_style_ends_with_the_zone(style, written):
    with timezone.override("Europe/Berlin"):
        assert when(START, style) == written


def test_the_year_is_said_only_when_it_is_not_this_one():
    with timezone.override("UTC"):
        assert when(START + datetime.timedelta(days=300)) == "Wed 19 Jan 2028, 14:00 UTC"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Europe/Istanbul", "17:00 UTC+3"),  # the database has "+03"
        ("Asia/Kathmandu", "19:45 UTC+5:45"),  # "+0545"
        ("America/Sao_Paulo", "11:00 UTC-3"),  # "-03"
        ("Asia/Kolkata", "19:30 IST"),
        ("UTC", "14:00 UTC"),
    ],
)
def test_a_numeric_abbreviation_is_written_as_an_offset(name, written):
    assert when(START, "time", zone(name)) == written


def test_a_fixed_offset_keeps_its_name():
    fixed = datetime.timezone(datetime.timedelta(hours=2))
    assert zone_abbreviation(START.astimezone(fixed)) == "UTC+02:00"


def test_a_span_says_the_zone_once_and_twice_when_the_clocks_change():
    end = START + datetime.timedelta(minutes=45)
    assert when_span(START, end, "long", zone("America/New_York")) == (
        "Thursday 25 March 2027, 10:00\N{EN DASH}10:45 EDT"
    )
    # Berlin's clocks go from 02:00 CET to 03:00 CEST on 28 March 2027.
    night = datetime.datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert when_span(
        night, night + datetime.timedelta(hours=1), "short", zone("Europe/Berlin")
    ) == ("Sun 28 Mar, 01:30 CET\N{EN DASH}03:30 CEST")


def test_both_zones_adds_the_other_persons_time_only_where_it_differs():
    with timezone.override("America/New_York"):
        assert in_both_zones(START, zone("Europe/Berlin"), name="Alex") == (
            "Thu 25 Mar, 10:00 EDT \N{MIDDLE DOT} 15:00 CET for Alex"
        )
        assert in_both_zones(START, zone("America/Toronto"), name="Alex") == "Thu 25 Mar, 10:00 EDT"
        assert in_both_zones(START, None, name="Alex") == "Thu 25 Mar, 10:00 EDT"
        # Another day there: the date is said too.
        assert in_both_zones(START, zone("Pacific/Auckland"), name="Alex") == (
            "Thu 25 Mar, 10:00 EDT \N{MIDDLE DOT} Fri 26 Mar, 03:00 NZDT for Alex"
        )


def test_no_time_reads_as_not_set():
    assert when(None) == when_span(None, None) == "date not set"


def test_the_template_filters_write_the_same():
    class Round:
        scheduled_at = START
        ends_at = START + datetime.timedelta(hours=1)

    template = Template(
        '{{ at|when }}|{{ at|when:"long" }}|{{ round|when_span:"long" }}|{{ missing|when }}'
    )
    with timezone.override("Europe/Berlin"):
        rendered = template.render(Context({"at": START, "round": Round()}))
    assert rendered.split("|") == [
        "Thu 25 Mar, 15:00 CET",
        "Thursday 25 March 2027, 15:00 CET",
        "Thursday 25 March 2027, 15:00\N{EN DASH}16:00 CET",
        "",
    ]
