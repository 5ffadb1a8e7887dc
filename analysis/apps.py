from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analysis"
    verbose_name = "Analysis"

    def ready(self) -> None:
        # Offer the network download on the Claims view; annotations never imports analysis.
        from analysis.networks import FORMATS, MODES
        from annotations.views.claims_list import ClaimsDownload, register_claims_download

        register_claims_download(
            ClaimsDownload(
                label="Discourse network",
                url_name="analysis:network",
                options={
                    "mode": [(mode, info.label) for mode, info in MODES.items()],
                    "format": [(fmt, info.label) for fmt, info in FORMATS.items()],
                },
            )
        )
