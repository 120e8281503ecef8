from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    re_path(r"^download\.(?P<fmt>csv|xlsx|json)$", views.EnterpriseListView.as_view(), name="enterprise_download"),
    path("<slug:slug>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
]
