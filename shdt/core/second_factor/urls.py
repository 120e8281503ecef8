from django.urls import path

from . import views

urlpatterns = [
    path("", views.verify_view, name="second_factor_verify"),
    path("enrol/", views.enrol_view, name="second_factor_enrol"),
    path("recovery-codes/", views.recovery_codes_view, name="second_factor_recovery_codes"),
]
