"""The project's app configs."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` whose `admin.site` is the portal's site (its index: the queue).

    The site lives in kla_portal/, not in indicators/admin/: `admin.site` is built on first
    use by importing its class, and importing any module of indicators.admin registers the
    admins into `admin.site` while it is still being built.
    """

    default_site = "kla_portal.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        # Every database connection from now on watches its writes for the data version.
        from kla_portal import db_health, versions  # noqa: F401
