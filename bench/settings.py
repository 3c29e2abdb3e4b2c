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
# edocs.services.batch_linger). The product's default unless BENCH_LINGER says otherwise.
if "BENCH_LINGER" in os.environ:
    ECUAPASS_EDOCS_BATCH_LINGER = float(os.environ["BENCH_LINGER"])
