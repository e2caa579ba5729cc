from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Fasilitas layak anak")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from facilities.models import FacilityType, Standard
        from facilities.selectors import feed_sources_forget

        # The feeds rules are cached (selectors.feed_sources): an edited rule applies at once.
        for model in (FacilityType, Standard):
            post_save.connect(feed_sources_forget, sender=model, dispatch_uid=f"feeds-{model}")
            post_delete.connect(feed_sources_forget, sender=model, dispatch_uid=f"feeds-d-{model}")
