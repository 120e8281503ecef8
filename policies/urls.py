from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.PolicyListView.as_view(), name="policy_list"),
    re_path(r"^download\.(?P<fmt>csv|xlsx|json)$", views.PolicyListView.as_view(), name="policy_download"),
]
