from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TherapiesConfig(AppConfig):
    name = "therapies"

    def ready(self):
        from .services import after_migrate

        post_migrate.connect(after_migrate, sender=self)
