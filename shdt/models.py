"""Abstract models that the apps' records share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import permalink_slug


class TimestampedModel(models.Model):
    """Created and last-changed times, which the public pages show as “last updated”."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class PermalinkModel(TimestampedModel):
    """
    A record with a public page at a stable address: the slug is made from the name
    when the record is first saved, and then kept even if the name changes.
    """

    slug = models.SlugField(_("permalink"), max_length=80, unique=True, editable=False)

    class Meta:
        abstract = True

    def assign_permalink(self) -> None:
        if not self.slug:
            self.slug = unique_slug(type(self), permalink_slug(self.name), exclude_pk=self.pk)

    def save(self, *args, **kwargs):
        self.assign_permalink()
        super().save(*args, **kwargs)


def unique_slug(model, base: str, exclude_pk=None) -> str:
    """Return `base`, or `base-2`, `base-3`… the first that no other row of `model` uses."""
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
