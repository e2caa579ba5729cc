"""Forms of the framework admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import Framework


class FrameworkCopyForm(forms.Form):
    """Where to copy an edition: the new edition's code, name and year."""

    code = forms.SlugField(label=_("kode edisi baru"), max_length=40)
    name = forms.CharField(label=_("nama edisi baru"), max_length=120)
    year = forms.IntegerField(label=_("tahun"), min_value=2000, max_value=2100)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Framework.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Edisi dengan kode ini sudah ada."))
        return code
