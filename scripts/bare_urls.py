"""The load test's yardstick: one view that answers "hello" through the app's
whole middleware stack (scripts/bench_settings.py serves it with BENCH_URLCONF)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path


@login_not_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("", hello)]
