from django.views.generic import DetailView

from .models import ExportBase


class ExportBaseDetailView(DetailView):
    queryset = ExportBase.objects.select_related("domain", "region").prefetch_related("recognitions")
    template_name = "bases/exportbase_detail.html"
    context_object_name = "base"
