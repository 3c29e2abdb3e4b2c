"""Settings for benchmark runs: the product's settings plus two reference views."""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Server errors go to the harness's output, so a failing request is never silent.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
# Rate limits would measure the throttle, not the code.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_CLASSES": [],
}
# A worker finding its batch under half full waits this long for more submissions (seconds;
# edocs.services.batch_linger): the production profile's 0.3 s (config/settings_production.py)
# unless BENCH_LINGER says otherwise (0: every run before 2026-12-06 16:00 UTC; 0.1 until 20:15).
ECUAPASS_EDOCS_BATCH_LINGER = float(os.environ.get("BENCH_LINGER", "0.3"))
