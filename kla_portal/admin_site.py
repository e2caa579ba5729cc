"""The portal's admin site: its index is the verifier's review queue."""

from django.contrib import admin


class PortalAdminSite(admin.AdminSite):
    """Django's admin, landing DP3AKB on the review queues of its regions."""

    def index(self, request, extra_context=None):
        # Imported here: the site is built while apps load, before models can be imported.
        from indicators.selectors import review_queue

        context = {
            "review_queues": review_queue.index_queues(request.user),
            "overdue_days": review_queue.OVERDUE_AFTER.days,
            **(extra_context or {}),
        }
        return super().index(request, context)
