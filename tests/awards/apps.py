from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "tests.awards"
    label = "awards"

    def ready(self):
        from shdt.core.registry import register_models, register_tables

        from .models import Award
        from .tables import AWARDS

        register_models(Award)
        register_tables(AWARDS)
