"""The load test's yardsticks, served through the app's whole middleware stack
(scripts/bench_settings.py serves them with BENCH_URLCONF): "hello", and the
floor of every signed-in page: the site's layout (base.html: navigation,
unread badge, messages) around an empty page, for a signed-in coach."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


@login_not_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


def layout_only(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [
    path("", hello),
    path("layout/", layout_only),
    # After the two: the layout's links need the app's URL names.
    path("", include("coachsite.urls")),
]
