from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("two-factor/", views.two_factor_setup, name="two-factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
]
