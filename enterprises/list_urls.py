"""The years' lists and their published editions, under /lists/."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.AnnualListListView.as_view(), name="annuallist_list"),
    path("<int:year>/editions/", views.ListEditionListView.as_view(), name="listedition_list"),
    path("<int:year>/editions/<int:number>/", views.ListEditionDetailView.as_view(), name="listedition_detail"),
    # The file's name repeats the year and the edition, so that a saved file says what it is.
    re_path(
        r"^(?P<year>[0-9]{4})/editions/(?P<number>[1-9][0-9]*)/"
        r"shdt-enterprises-(?P=year)-edition-(?P=number)\.(?P<fmt>csv|xlsx|json)$",
        views.ListEditionFileView.as_view(),
        name="listedition_file",
    ),
]
