from django.urls import path

from . import views

# A slug with other characters matches nothing here and gets the API's JSON 404 (shdt/api/urls.py).
urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<slug:slug>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<slug:slug>/lists/<int:year>/", views.ListMembershipView.as_view(), name="listmembership_detail"),
    path("case-studies/", views.CaseStudyListView.as_view(), name="casestudy_list"),
    path("business-types/", views.BusinessTypeListView.as_view(), name="businesstype_list"),
    path("lists/", views.AnnualListListView.as_view(), name="annuallist_list"),
]
