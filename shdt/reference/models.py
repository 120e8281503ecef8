"""
Reference data that every record app shares: the regions of Shanghai.

Regions were enterprises' own until the bases needed them too; the table keeps its name
(enterprises_region) so that nothing in a database built before the move changes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shdt.core.models import CodedReference


class Region(CodedReference):
    """A district of Shanghai, or the Lingang Special Area, which the lists treat as a region."""

    short_name = models.CharField(_("short name"), max_length=16, unique=True)

    class Meta(CodedReference.Meta):
        db_table = "enterprises_region"
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def spellings(self) -> list[str]:
        """Every way a spreadsheet may name this region (DOMAIN.md)."""
        return [self.code, self.short_name, self.name, self.name_en]
