from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    """The ministry's stages of a period, the verifiers' findings, the frozen forecast."""

    name = "verification"
    verbose_name = _("Verifikasi kementerian")
