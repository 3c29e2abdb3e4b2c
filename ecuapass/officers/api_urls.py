"""Officers' API under /api/v1/interno/ (mounted by ecuapass/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("interno/yo/", api.WhoAmIView.as_view(), name="interno-yo"),
]
