from django.views.generic import DetailView

from .models import Enterprise


class EnterpriseDetailView(DetailView):
    queryset = Enterprise.objects.select_related("region", "business_type")
    template_name = "enterprises/enterprise_detail.html"
    context_object_name = "enterprise"
