"""Accounts: logins throttled per client address, counted password changes, a throttled reset.

Each failed password costs a PBKDF2 hash (~240 ms), so a flood of wrong logins slows the portal
for everyone. `LoginThrottleBackend` refuses an address over its failure limit before any hash
is computed, on every path that calls `authenticate()`: the portal and admin logins and the
password change pages, which check the old password through `authenticate()` so that django-axes
counts and locks those failures like login failures.
"""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from kla_portal.client_address import client_address
from kla_portal.throttle import Throttle, wait_text

logger = logging.getLogger("kla.accounts")


def login_failures() -> Throttle:
    """Failed passwords per client address (any user name), read from settings each time."""
    return Throttle("login", settings.LOGIN_THROTTLE_FAILURES, settings.LOGIN_THROTTLE_SECONDS)


def reset_requests_by_address() -> Throttle:
    return Throttle("reset-address", settings.RESET_THROTTLE_PER_ADDRESS, 60 * 60)


def reset_requests_by_email() -> Throttle:
    return Throttle("reset-email", settings.RESET_THROTTLE_PER_EMAIL, 60 * 60)


def throttled_response(request, seconds: int) -> TemplateResponse:
    """The 429 page saying how long to wait."""
    return TemplateResponse(
        request, "registration/throttled.html", {"wait": wait_text(seconds)}, status=429
    )


class LoginThrottleBackend:
    """Refuses an address over its failure limit, before ModelBackend computes any hash.

    Listed between axes and ModelBackend. It authenticates nobody and, like axes' backend, has
    no get_user (so force_login and sessions never pick it); failures are counted by
    `_count_failure` when Django reports a failed login, so ModelBackend and the sessions it
    signs stay Django's own.
    """

    def authenticate(self, request, **credentials):
        if request is None:
            return None
        address = client_address(request)
        wait = login_failures().wait_seconds(address)
        if wait:
            # Read by LoginThrottleMiddleware, which answers 429 with the wait time.
            request.login_throttled_for = wait
            logger.warning(
                "login refused: %s over the failure limit",
                address,
                extra={"event": "login_throttled", "client": address},
            )
            raise PermissionDenied  # authenticate() stops here: no later backend, no hash
        return None


@receiver(user_login_failed, dispatch_uid="kla_portal.accounts.count_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    """Count a failed password against the client address (not a refusal of our own)."""
    if request is not None and not getattr(request, "login_throttled_for", 0):
        login_failures().hit(client_address(request))


class LoginThrottleMiddleware:
    """Turns a login refused by LoginThrottleBackend into the 429 page with the wait time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wait = getattr(request, "login_throttled_for", 0)
        if wait:
            response = throttled_response(request, wait)
            response.render()
        return response


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form with a refusal that says it once, in the portal's words."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa huruf besar dan kecil, lalu coba lagi."
        ),
    }


class LoginView(auth_views.LoginView):
    """The portal's login, with the region's name and the helpdesk contact from settings.

    Verifiers who sign in without a page in mind land on their review queue; everyone else on
    the home page (LOGIN_REDIRECT_URL)."""

    authentication_form = PortalAuthenticationForm

    def get_default_redirect_url(self):
        # Imported here: indicators depends on this module's settings-level names, not back.
        from indicators import roles

        user = self.request.user
        if user.is_staff and roles.is_verifier(user):
            return reverse("admin:review_queue")
        return super().get_default_redirect_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["region_name"] = settings.PORTAL_REGION_NAME or _only_region_name()
        context["helpdesk"] = settings.HELPDESK_CONTACT
        return context


def _only_region_name() -> str:
    from indicators.models import Region

    names = list(Region.objects.order_by("name").values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""


class CountedPasswordChangeForm(PasswordChangeForm):
    """The password change form, checking the old password as a login would be checked."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        # Through authenticate(): axes counts and locks failures per user name and address,
        # and the address throttle refuses a flood before hashing.
        user = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if user is None or user.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class CountedAdminPasswordChangeForm(CountedPasswordChangeForm):
    required_css_class = AdminPasswordChangeForm.required_css_class


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = CountedPasswordChangeForm
    styled = False  # Bootstrap inputs, for the portal's own page (not the admin's)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        return _styled(form) if self.styled else form


def admin_password_change(request, extra_context=None):
    """The admin's own password change page, with the counted form (AdminSite.password_change)."""
    from django.contrib import admin

    site = admin.site
    request.current_app = site.name
    return PasswordChangeView.as_view(
        form_class=CountedAdminPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=site.name),
        extra_context={**site.each_context(request), **(extra_context or {})},
    )(request)


def _styled(form):
    """Bootstrap's input class on every field, as the portal's own forms have."""
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    return form


class PortalPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class PortalSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they read the account's mail may sign in at once: a lockout earned by
        # someone guessing this user's password must not outlast the new password.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset flow, throttled per client address and per email address.

    The page after the form is the same whether or not the address belongs to an account, and
    whether or not a mail went out, so the form never tells who has an account.
    """

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    form_class = PortalPasswordResetForm

    def form_valid(self, form):
        address = client_address(self.request)
        wait = reset_requests_by_address().take(address)
        if wait:
            return throttled_response(self.request, wait)
        email = form.cleaned_data["email"].strip().lower()
        if reset_requests_by_email().take(email):
            logger.warning(
                "password reset mail held back: too many for one address",
                extra={"event": "reset_throttled", "client": address},
            )
            return super(auth_views.PasswordResetView, self).form_valid(form)  # no mail
        return super().form_valid(form)
