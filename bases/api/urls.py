from django.urls import path

from . import views

urlpatterns = [
    path("bases/", views.ExportBaseListView.as_view(), name="exportbase_list"),
    path("bases/<slug:slug>/", views.ExportBaseDetailView.as_view(), name="exportbase_detail"),
]
