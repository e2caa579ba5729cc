"""The token page's form: a name, a scope and how long the token lives."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken

LIFETIMES = [
    (30, _("30 hari")),
    (90, _("90 hari")),
    (180, _("180 hari")),
    (365, _("1 tahun")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=80,
        help_text=_("Untuk mengenali token, mis. 'Sistem gizi Dinkes'."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    scope = forms.ChoiceField(
        label=_("Cakupan"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    days = forms.TypedChoiceField(
        label=_("Berlaku selama"),
        choices=LIFETIMES,
        coerce=int,
        initial=90,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name or "\x00" in name:
            raise forms.ValidationError(_("Isi nama token."))
        return name
