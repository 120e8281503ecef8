from shdt.core.tables import Table

from .filters import CaseStudyFilterSet, EnterpriseFilterSet
from .models import CaseStudy, Enterprise
from .resources import CaseStudyResource, EnterpriseResource, enterprise_sql_columns

ENTERPRISES = Table(
    name="enterprises",
    get_all_queryset=lambda: Enterprise.objects.select_related("region", "business_type"),
    resource_class=EnterpriseResource,
    filterset_class=EnterpriseFilterSet,
    import_path="enterprises.imports.EnterpriseImport",
    sql_columns=enterprise_sql_columns,
)

CASE_STUDIES = Table(
    name="case_studies",
    get_all_queryset=lambda: CaseStudy.objects.select_related(
        "enterprise", "enterprise__region", "enterprise__business_type", "notice"
    ),
    resource_class=CaseStudyResource,
    filterset_class=CaseStudyFilterSet,
    import_path="enterprises.imports.CaseStudyImport",
)
