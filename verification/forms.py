"""The agency's answer to a finding: a note, and usually the new file that settles it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import EvidenceRequirement
from indicators import uploads
from indicators.forms import BootstrapForm, evidence_file_field
from indicators.forms_documents import DOCUMENT_FIELDS, document_clean, document_details


class AnswerForm(BootstrapForm):
    """Which agency answers (when the user has several named), for which item, with what."""

    agency = forms.ChoiceField(label=_("OPD"))
    item = forms.ChoiceField(label=_("Butir yang dijawab berkas"), required=False)
    note = forms.CharField(
        label=_("Tanggapan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Apa yang sudah dilakukan untuk menindaklanjuti catatan ini."),
    )
    file = forms.FileField(
        label=_("Data dukung baru"),
        required=False,
        help_text=_("PDF, PNG, JPEG, XLSX, DOCX, ODT atau ODS; paling besar %(mb)s MB."),
    )
    title = forms.CharField(label=_("Judul berkas (boleh kosong)"), required=False, max_length=255)
    requirement = DOCUMENT_FIELDS["requirement"]()
    document_number = DOCUMENT_FIELDS["document_number"]()
    document_date = DOCUMENT_FIELDS["document_date"]()
    valid_until = DOCUMENT_FIELDS["valid_until"]()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, agencies, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.items = {str(i.pk): i for i in items}
        self.fields["agency"].choices = [
            (k, a.short_name or a.code) for k, a in self.agencies.items()
        ]
        if len(self.agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].initial = next(iter(self.agencies))
        self.fields["item"].choices = [("", _("— pilih butir —"))] + [
            (k, f"{i.code} {i.name}") for k, i in self.items.items()
        ]
        if len(self.items) <= 1:
            self.fields["item"].widget = forms.HiddenInput()
            self.fields["item"].initial = next(iter(self.items), "")
        requirements = list(
            EvidenceRequirement.objects.filter(item__in=list(self.items.values())).select_related(
                "item"
            )
        )
        self.requirement_items = {str(r.pk): r.item_id for r in requirements}
        self.fields["requirement"].choices = [("", _("— belum dipilih —"))] + [
            (str(r.pk), f"{r.item.code}: {r.name}") for r in requirements
        ]
        evidence_file_field(self.fields["file"])

    def clean_file(self):
        return uploads.upload_clean(self.cleaned_data.get("file"))

    def clean(self):
        data = super().clean()
        document_clean(self, data, upload=data.get("file"))
        if data.get("file") and len(self.items) > 1 and not data.get("item"):
            self.add_error("item", _("Pilih butir yang dijawab oleh berkas ini."))
        requirement, item = data.get("requirement"), self.chosen_item
        if requirement and item and self.requirement_items.get(requirement) != item.pk:
            self.add_error(
                "requirement",
                _("Dokumen ini persyaratan butir lain: pilih dokumen dari butir %(code)s.")
                % {"code": item.code},
            )
        return data

    @property
    def chosen_agency(self):
        return self.agencies[self.cleaned_data["agency"]]

    @property
    def chosen_item(self):
        return self.items.get(self.cleaned_data.get("item") or "")

    def document(self) -> dict:
        """The document details for the service, for the chosen item's requirements only."""
        item = self.chosen_item or next(iter(self.items.values()), None)
        return document_details(self.cleaned_data, item) if item else {}
