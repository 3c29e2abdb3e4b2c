from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ecuapass.api"
    label = "api"

    def ready(self):
        from . import (
            schema,  # noqa: F401 - registers the OpenAPI auth extension
            token_cache,
        )

        token_cache.connect()  # a token's change invalidates its cached copy
