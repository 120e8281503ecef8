from shdt.core.filtering import RegistryFilterSet, YearFilter

from .models import Award


class AwardFilterSet(RegistryFilterSet):
    year = YearFilter(field_name="year", label="year")

    class Meta:
        model = Award
        fields = []
