"""The portal's admin site: its index summarises the review queues; verifiers work in the
review queue and review page (indicators/admin/review_queue.py, review_page.py)."""

from django.contrib import admin
from django.urls import path, reverse


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

    def login(self, request, extra_context=None):
        # After signing in, verifiers land on their queue rather than on a page of links.
        # An explicit ?next= still wins (AdminSite.login only fills it in when absent).
        if "next" not in request.GET and "next" not in request.POST:
            extra_context = {"next": reverse("admin:review_queue"), **(extra_context or {})}
        return super().login(request, extra_context)

    def lean_context(self, request) -> dict:
        """`each_context` without the app list and the navigation sidebar: the review pages
        show neither, and building them was a third of a page's time."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": True,  # admin_view let the request through
            "available_apps": [],
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
        }

    def get_urls(self):
        # Imported here: the URLs are read after every app (and admin) is loaded.
        from indicators.admin import review_page, review_queue

        return [
            path("review/", self.admin_view(review_queue.queue_view), name="review_queue"),
            path(
                "review/<int:pk>/",
                self.admin_view(review_page.review_page_view),
                name="review_page",
            ),
            *super().get_urls(),
        ]
