from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
]
