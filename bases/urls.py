from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.ExportBaseListView.as_view(), name="exportbase_list"),
    re_path(r"^download\.(?P<fmt>csv|xlsx|json)$", views.ExportBaseListView.as_view(), name="exportbase_download"),
    path("<slug:slug>/", views.ExportBaseDetailView.as_view(), name="exportbase_detail"),
]
