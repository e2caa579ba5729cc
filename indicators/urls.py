from django.urls import path

from indicators.views import home

app_name = "indicators"

urlpatterns = [
    path("", home.home, name="home"),
]
