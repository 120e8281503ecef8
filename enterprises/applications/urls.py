from django.urls import path

from . import views

urlpatterns = [
    path("", views.application_create, name="application_create"),
    path("receipt/", views.application_receipt, name="application_receipt"),
    path("status/<str:token>/", views.application_status, name="application_status"),
]
