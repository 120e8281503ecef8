from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.ExportBaseDetailView.as_view(), name="exportbase_detail"),
]
