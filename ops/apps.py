from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from ops import compiled

        # What a request read once (Compiled per_request) or sent ahead (Compiled.ahead) is its own.
        request_started.connect(compiled.request_started, dispatch_uid="ops-compiled-start")
        request_finished.connect(compiled.request_finished, dispatch_uid="ops-compiled-end")
