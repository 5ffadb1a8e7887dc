from django.urls import path

from analysis.views import agreement, compare, network

app_name = "analysis"
urlpatterns = [
    # Agreement between analysts and adjudication (analysis/views/agreement.py).
    path("agreement/", agreement.agreement_screen, name="agreement"),
    path("agreement/disagreements/", agreement.disagreements, name="disagreements"),
    path("agreement/compare/<int:article_id>/", compare.compare, name="compare"),
    path("agreement/compare/<int:article_id>/decide/", compare.decide, name="decide"),
    # The discourse network download of the Claims view (analysis/views/network.py).
    path("analysis/network/", network.network, name="network"),
]
