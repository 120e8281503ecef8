from django.utils.translation import gettext_lazy as _

from shdt.core.filtering import CodeFilter

from .models import Region


def district_filter(relation="region", **kwargs):
    """The filter by region (`district=pudong`), on any record with a foreign key to Region."""
    kwargs.setdefault(
        "help_text",
        _("Region code (GET /api/regions/). Repeat it for several: district=pudong&district=xuhui means either."),
    )
    kwargs.setdefault("example", ["pudong", "xuhui"])
    return CodeFilter(relation, Region, label=_("region"), label_field="short_name", **kwargs)
