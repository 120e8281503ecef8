from django.utils.translation import gettext_lazy as _

from shdt.core.filtering import coded_filter

from .models import Region


def district_filter(relation="region"):
    """The filter by region (`district=pudong`), on any record with a foreign key to Region."""
    return coded_filter(relation, Region, _("region"))
