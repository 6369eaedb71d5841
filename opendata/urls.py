from django.urls import path

from .api import GivingCSVView, GivingJSONView, IATIView

urlpatterns = [
    path("exports/360giving.json", GivingJSONView.as_view(), name="export-360giving-json"),
    path("exports/360giving.csv", GivingCSVView.as_view(), name="export-360giving-csv"),
    path("exports/iati.xml", IATIView.as_view(), name="export-iati-xml"),
]
