from django.urls import path

from verification import views

app_name = "verification"
urlpatterns = [
    path("temuan/", views.finding_list, name="finding-list"),
    path("temuan/<int:pk>/", views.finding_detail, name="finding-detail"),
]
