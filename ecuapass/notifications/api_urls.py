"""Buzón API routes, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("buzon/", api.InboxAPI.as_view(), name="buzon"),
    path("buzon/<int:pk>/", api.NoticeAPI.as_view(), name="buzon-detalle"),
]
