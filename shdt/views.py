from django.views.generic import TemplateView

from bases.models import ExportBase
from enterprises.models import AnnualList, CaseStudy, Enterprise
from policies.models import Policy


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enterprise_count=Enterprise.objects.count(),
            case_study_count=CaseStudy.objects.count(),
            base_count=ExportBase.objects.count(),
            policy_count=Policy.objects.count(),
            latest_list=AnnualList.objects.first(),
            **kwargs,
        )
