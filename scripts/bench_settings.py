"""Settings for `make benchmark` (scripts/loadtest.py): the real settings,
configured through the environment like production, with one difference the
environment cannot make: BENCH_URLCONF swaps the URLconf, so the bare view is
served with exactly the app's middleware, database and everything else."""

import os

from coachsite.settings import *  # noqa: F403
from coachsite.settings import ROOT_URLCONF as _APP_URLCONF

ROOT_URLCONF = os.environ.get("BENCH_URLCONF", _APP_URLCONF)
