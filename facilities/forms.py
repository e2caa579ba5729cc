"""Forms of the register: a place, closing it, and a certificate with its file (no writes).

The rules a place or a certificate must keep are `facilities.services` (`facility_problems`,
`certification_problems`); the forms show their answers beside the fields they concern.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities import services
from facilities.models import Certification, Facility, FacilityType, Standard
from indicators import uploads
from indicators.forms import BootstrapForm
from indicators.models import Kelurahan

COORDINATE = re.compile(r"-?\d{1,3}([.,]\d{1,6})?")


def parse_coordinate(text: str, limit: int) -> Decimal | None:
    """A latitude or longitude in degrees, with a dot or a comma before the decimals.

    Not the answers' number rule: a coordinate is never grouped in thousands, it may be
    negative, and it has up to six decimals (`-1,2379` and `-1.2379` are the same).
    """
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if not COORDINATE.fullmatch(text):
        raise ValidationError(
            _("Tulis derajat desimal, mis. -1,2379 atau 116,8529 (paling banyak 6 desimal).")
        )
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValidationError(_("Koordinat tidak terbaca.")) from None
    if abs(value) > limit:
        raise ValidationError(
            _("Koordinat harus antara -%(limit)s dan %(limit)s.") % {"limit": limit}
        )
    return value


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput


class FacilityForm(BootstrapForm):
    """A place of the operator's agency: type, name, kelurahan, level, address, coordinates."""

    facility_type = forms.ModelChoiceField(
        label=_("Jenis fasilitas"), queryset=FacilityType.objects.none()
    )
    name = forms.CharField(label=_("Nama"), max_length=200)
    kelurahan = forms.ModelChoiceField(label=_("Kelurahan"), queryset=Kelurahan.objects.none())
    level = forms.ChoiceField(label=_("Jenjang"), required=False)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    latitude = forms.CharField(
        label=_("Lintang"),
        required=False,
        max_length=20,
        help_text=_("Opsional, derajat desimal, mis. -1,2379."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Bujur"),
        required=False,
        max_length=20,
        help_text=_("Opsional, derajat desimal, mis. 116,8529."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    version = VersionField(required=False)

    def __init__(self, *args, agency, facility: Facility | None = None, **kwargs):
        self.agency = agency
        self.facility = facility
        if facility is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "facility_type": facility.facility_type_id,
                "name": facility.name,
                "kelurahan": facility.kelurahan_id,
                "level": facility.level,
                "address": facility.address,
                "latitude": _coordinate_text(facility.latitude),
                "longitude": _coordinate_text(facility.longitude),
                "version": facility.version,
            }
        super().__init__(*args, **kwargs)
        types = [t for t in FacilityType.objects.all() if agency.code.upper() in t.agency_codes]
        self.types = types
        self.fields["facility_type"].queryset = FacilityType.objects.filter(
            pk__in=[t.pk for t in types]
        )
        self.fields["kelurahan"].queryset = Kelurahan.objects.filter(
            kecamatan__region=agency.region
        ).select_related("kecamatan")
        self.fields["kelurahan"].label_from_instance = lambda k: f"{k.name} ({k.kecamatan})"
        levels = sorted({level for t in types for level in t.level_names})
        self.fields["level"].choices = [("", _("— tanpa jenjang —"))] + [(v, v) for v in levels]
        if not levels:
            self.fields["level"].widget = forms.HiddenInput()
        else:
            self.fields["level"].widget.attrs["class"] = "form-select"
        for name in ("facility_type", "kelurahan"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_latitude(self):
        return parse_coordinate(self.cleaned_data["latitude"], 90)

    def clean_longitude(self):
        return parse_coordinate(self.cleaned_data["longitude"], 180)

    def clean(self):
        data = super().clean()
        problems = services.facility_problems(
            region=self.agency.region,
            facility_type=data.get("facility_type"),
            kelurahan=data.get("kelurahan"),
            agency=self.agency,
            level=data.get("level", ""),
            name=data.get("name", ""),
            exclude_pk=self.facility.pk if self.facility else None,
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return data

    @property
    def values(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in services.FACILITY_FIELDS if name != "agency"} | {
            "agency": self.agency
        }


def _coordinate_text(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


class CloseForm(BootstrapForm):
    """Close a place from a day on."""

    closed_on = forms.DateField(
        label=_("Ditutup sejak"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = VersionField(required=False)

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal tutup tidak boleh di masa depan."))
        return day


class CertificationForm(BootstrapForm):
    """A certificate of a place: standard, stage, number, dates and the certificate file."""

    standard = forms.ModelChoiceField(label=_("Standar"), queryset=Standard.objects.none())
    stage = forms.ChoiceField(label=_("Tahap"), choices=Certification.Stage.choices)
    certificate_number = forms.CharField(
        label=_("Nomor sertifikat"), max_length=120, required=False
    )
    granted_on = forms.DateField(
        label=_("Ditetapkan pada"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Wajib bila sertifikat sudah ditetapkan."),
    )
    valid_until = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Sesuai sertifikat. Kosong: dihitung dari masa berlaku standar sejak penetapan."
        ),
    )
    file = forms.FileField(label=_("Berkas sertifikat"), required=False)
    version = VersionField(required=False)

    def __init__(self, *args, facility: Facility, certification: Certification | None = None,
                 **kwargs):  # fmt: skip
        self.facility = facility
        if certification is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "standard": certification.standard_id,
                "stage": certification.stage,
                "certificate_number": certification.certificate_number,
                "granted_on": certification.granted_on,
                "valid_until": certification.valid_until,
                "version": certification.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.filter(
            facility_type=facility.facility_type
        )
        self.fields["standard"].label_from_instance = lambda s: f"{s.code} · {s.name}"
        for name in ("standard", "stage"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["file"].help_text = _(
            "PDF atau foto sertifikat. Jenis yang diterima: %(types)s; paling besar %(mb)s MB."
        ) % {"types": uploads.ALLOWED_LABEL, "mb": uploads.limit_mb()}
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"

    def clean_file(self):
        return uploads.upload_clean(self.cleaned_data.get("file"))

    def clean(self):
        data = super().clean()
        problems = services.certification_problems(
            standard=data.get("standard"),
            facility=self.facility,
            kelurahan=None,
            stage=data.get("stage", ""),
            granted_on=data.get("granted_on"),
            valid_until=data.get("valid_until"),
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return data

    @property
    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.CERTIFICATION_FIELDS}
