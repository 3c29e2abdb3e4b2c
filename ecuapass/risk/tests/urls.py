"""The project's URLs with the motor de riesgo mounted where the lead mounts it (/interno/riesgo/),
for the view tests to run whether or not config/urls.py includes it yet."""

from django.urls import NoReverseMatch, include, path, reverse

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project

urlpatterns = list(project)
try:
    reverse("risk:perfiles", urlconf="config.urls")
except NoReverseMatch:
    urlpatterns.append(path("interno/riesgo/", include("ecuapass.risk.urls")))
