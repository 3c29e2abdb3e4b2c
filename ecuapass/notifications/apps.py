from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ecuapass.notifications"
    label = "notifications"
