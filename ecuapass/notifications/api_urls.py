"""Buzón API routes, mounted under /api/v1/ by ecuapass.api.urls."""

urlpatterns: list = []
