"""
A kind of record that exists only in the tests: an award, which reviewers publish. It is
what the README's steps for a new kind of record make, and nothing more.
"""

from django.db import models
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast, Concat

from shdt.core.models import PublishableModel, PublishableQuerySet, registry_history


class Award(PublishableModel):
    name = models.CharField("name", max_length=100)
    year = models.PositiveSmallIntegerField("year")

    objects = PublishableQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["-year", "name"]
        permissions = [("publish_award", "Can publish awards")]

    def __str__(self):
        return f"{self.year} {self.name}"

    @classmethod
    def publication_title(cls):
        # What the change feed calls an award: its __str__, in SQL.
        return Concat(Cast("year", TextField()), Value(" "), F("name"), output_field=TextField())
