"""The document part of an upload: which requirement a file meets, its number and its dates.

Shared by the item page's answer form (a new file) and the form that completes a file
uploaded without these details; the rules themselves are `services.documents.document_check`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import EvidenceRequirement


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


DOCUMENT_FIELDS = {
    "requirement": lambda: forms.ChoiceField(
        label=_("Dokumen yang dipenuhi"),
        required=False,
        choices=[],
        help_text=_("Berkas tanpa pilihan ini tersimpan, tetapi belum memenuhi dokumen apa pun."),
    ),
    "document_number": lambda: forms.CharField(
        label=_("Nomor dokumen"), required=False, max_length=120
    ),
    "document_date": lambda: _date_field(
        _("Tanggal dokumen"), _("Tanggal penetapan, penandatanganan, atau data.")
    ),
    "valid_until": lambda: _date_field(
        _("Berlaku sampai (boleh kosong)"), _("Untuk SK, sertifikat atau perjanjian berjangka.")
    ),
}


def requirement_choices(field, requirements) -> None:
    """Offer the item's requirements (plain `readiness.Requirement`s, already loaded)."""
    field.choices = [("", _("— belum dipilih —"))] + [
        (str(r.id), f"{r.name}{'' if r.required else ' ' + str(_('(pelengkap)'))}")
        for r in requirements
    ]


def document_clean(form, data, *, upload, needs_upload=True) -> None:
    """Field-level errors for details that cannot stand, before any service is called."""
    chosen = data.get("requirement")
    if needs_upload and chosen and not upload and "file" not in form.errors:
        form.add_error("file", _("Pilih berkas untuk dokumen ini."))
    if chosen and not data.get("document_date") and "document_date" not in form.errors:
        form.add_error("document_date", _("Wajib diisi untuk dokumen yang dipilih."))
    start, end = data.get("document_date"), data.get("valid_until")
    if start and end and end < start:
        form.add_error("valid_until", _("Tidak boleh sebelum tanggal dokumen."))


def document_details(cleaned: dict, item) -> dict:
    """The service's keyword arguments from cleaned data; the requirement of this item only."""
    chosen = cleaned.get("requirement")
    requirement = (
        EvidenceRequirement.objects.filter(pk=int(chosen), item=item).first() if chosen else None
    )
    return {
        "requirement": requirement,
        "document_date": cleaned.get("document_date"),
        "valid_until": cleaned.get("valid_until"),
        "number": cleaned.get("document_number") or "",
    }


class DocumentForm(forms.Form):
    """Complete or correct which document a stored file is."""

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, make in DOCUMENT_FIELDS.items():
            self.fields[name] = make()
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        requirement_choices(self.fields["requirement"], requirements)

    def clean(self):
        data = super().clean()
        document_clean(self, data, upload=None, needs_upload=False)
        return data
