from django.urls import path

from analysis import views

app_name = "analysis"
urlpatterns = [
    # Agreement between analysts and adjudication (analysis/views.py).
    path("agreement/", views.agreement_screen, name="agreement"),
    path("agreement/disagreements/", views.disagreements, name="disagreements"),
    path("agreement/compare/<int:article_id>/", views.compare, name="compare"),
    path("agreement/compare/<int:article_id>/decide/", views.decide, name="decide"),
]
