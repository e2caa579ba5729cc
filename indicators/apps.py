from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Pelaksanaan KLA")

    def ready(self):
        from indicators.services import import_changes, notifications, workflow

        if notifications.review_notify not in workflow.review_listeners:
            workflow.review_listeners.append(notifications.review_notify)
        if notifications.import_notify_agencies not in import_changes.import_listeners:
            import_changes.import_listeners.append(notifications.import_notify_agencies)
