"""The home page and the statistics page."""

from django.db.models import Count, Q
from django.views.generic import TemplateView

from bases.models import ExportBase
from enterprises.models import AnnualList, BusinessType, CaseStudy, Enterprise, Region
from policies.models import Policy

from .charts import bar_chart


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enterprise_count=Enterprise.objects.count(),
            case_study_count=CaseStudy.objects.count(),
            base_count=ExportBase.objects.count(),
            policy_count=Policy.objects.count(),
            latest_list=AnnualList.objects.first(),
            business_types=BusinessType.objects.annotate(n=Count("enterprises")),
            **kwargs,
        )


class StatsView(TemplateView):
    """Enterprises by business type and by region (图 3-25 and 表 3-3), and the case studies' volumes."""

    template_name = "stats.html"

    def get_context_data(self, **kwargs):
        annual_list = AnnualList.objects.first()
        enterprises = Enterprise.objects.all()
        if annual_list is not None:
            enterprises = enterprises.filter(memberships__annual_list=annual_list)
        by_type = list(
            BusinessType.objects.annotate(n=Count("enterprises", filter=_on(annual_list, "enterprises")))
            .filter(n__gt=0)
            .order_by("-n", "sort_order")
        )
        by_region = list(
            Region.objects.annotate(n=Count("enterprises", filter=_on(annual_list, "enterprises")))
            .filter(n__gt=0)
            .order_by("-n", "sort_order")
        )
        case_year = CaseStudy.objects.order_by("-report_year").values_list("report_year", flat=True).first()
        cases = list(
            CaseStudy.objects.filter(report_year=case_year).select_related("enterprise").order_by("-trade_volume")
        )
        return super().get_context_data(
            annual_list=annual_list,
            enterprise_total=enterprises.count(),
            by_type=by_type,
            by_type_chart=bar_chart([(t, t.n) for t in by_type]),
            by_region=by_region,
            by_region_chart=bar_chart([(r, r.n) for r in by_region]),
            case_year=case_year,
            cases=cases,
            cases_chart=bar_chart([(c.enterprise, c.trade_volume) for c in cases if c.trade_volume is not None]),
            case_total=sum((c.trade_volume for c in cases if c.trade_volume is not None), start=0),
            **kwargs,
        )


def _on(annual_list, relation):
    """Count only the enterprises on the given list (all enterprises when there is none)."""
    if annual_list is None:
        return Q()
    return Q(**{f"{relation}__memberships__annual_list": annual_list})
