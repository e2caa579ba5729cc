"""Forms of the OPD workspace: an item's answer (with an optional file) and its validation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clusters.models import Item
from indicators import uploads

# One set of rules for typed answers and imported rows, so "1.500", "numerator above
# denominator" or "fractional count" read the same everywhere.
from indicators.answers import clean_answer, number_input
from indicators.forms_documents import (
    DOCUMENT_FIELDS,
    document_clean,
    requirement_choices,
)
from indicators.models import Submission
from indicators.services import workflow

SAVE, SUBMIT = "save", "submit"
# Which form field shows the error the import check reports against a column.
COLUMN_FIELD = {
    Item.Kind.CHECK: {"value": "answer"},
    Item.Kind.PERCENT: {"numerator": "numerator", "denominator": "denominator"},
    Item.Kind.COUNT: {"value": "count"},
}


def evidence_file_field(field) -> None:
    """An evidence file field as every form shows it: the limit in its help text (with
    `%(mb)s`), the types the browser offers, and the size the browser refuses before sending
    (static/js/workspace.js); the server still decides (`uploads.upload_clean`)."""
    field.help_text = field.help_text % {"mb": uploads.limit_mb()}
    field.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.odt,.ods"
    field.widget.attrs["data-max-bytes"] = str(settings.EVIDENCE_MAX_BYTES)
    field.widget.attrs["data-too-large"] = _(
        "Berkas terlalu besar (%(size)s MB); paling besar %(mb)s MB. Pilih berkas lain."
    ) % {"size": "{size}", "mb": uploads.limit_mb()}


class BootstrapForm(forms.Form):
    """Bootstrap classes on inputs; Django itself adds aria-invalid and aria-describedby."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class AnswerForm(BootstrapForm):
    """An item's answer fitted to its kind, the narrative, an optional file, and the version."""

    answer = forms.ChoiceField(
        label=_("Jawaban"),
        choices=[("1", _("Ya")), ("0", _("Tidak"))],
        widget=forms.RadioSelect,
        required=False,
    )
    numerator = forms.CharField(
        label=_("Pembilang"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    denominator = forms.CharField(
        label=_("Penyebut"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    count = forms.CharField(
        label=_("Jumlah"),
        required=False,
        max_length=30,
        help_text=_("Bilangan bulat, 0 atau lebih."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    narrative = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=5000,
        help_text=_("Sumber data, cara menghitung, atau penjelasan lain untuk verifikator."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=_("Tambah data dukung"),
        required=False,
        help_text=_("PDF, PNG, JPEG, XLSX, DOCX, ODT atau ODS; paling besar %(mb)s MB."),
    )
    title = forms.CharField(
        label=_("Judul berkas (boleh kosong)"),
        required=False,
        max_length=255,
    )
    requirement = DOCUMENT_FIELDS["requirement"]()
    document_number = DOCUMENT_FIELDS["document_number"]()
    document_date = DOCUMENT_FIELDS["document_date"]()
    valid_until = DOCUMENT_FIELDS["valid_until"]()
    flag_note = forms.CharField(
        label=_("Penjelasan atas tanda data"),
        required=False,
        max_length=2000,
        help_text=_("Wajib bila ada tanda data: mengapa nilai atau berkas ini memang benar."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        *args,
        item: Item,
        submission: Submission,
        has_evidence: bool = False,
        requirements=(),
        **kwargs,
    ):
        self.item = item
        self.submission = submission
        self.has_evidence = has_evidence
        initial = kwargs.pop("initial", None) or self._initial(submission)
        super().__init__(*args, initial=initial, **kwargs)
        requirement_choices(self.fields["requirement"], requirements)
        used = set(COLUMN_FIELD[item.kind].values())
        for name in ("answer", "numerator", "denominator", "count"):
            if name not in used:
                del self.fields[name]
        evidence_file_field(self.fields["file"])

    @staticmethod
    def _initial(submission: Submission) -> dict:
        answer = {True: "1", False: "0"}.get(submission.answer_yes, "")
        return {
            "answer": answer,
            "numerator": number_input(submission.numerator),
            "denominator": number_input(submission.denominator),
            "count": number_input(submission.count),
            "narrative": submission.narrative,
            "flag_note": submission.flag_note,
            "version": submission.version if submission.pk else 0,
        }

    @property
    def intent(self) -> str:
        return SUBMIT if self.data.get("intent") == SUBMIT else SAVE

    def clean_file(self):
        return uploads.upload_clean(self.cleaned_data.get("file"))

    def clean(self):
        data = super().clean()
        if (
            self.intent == SUBMIT
            and self.item.evidence_required
            and not self.has_evidence
            and not data.get("file")
            and "file" not in self.errors
        ):
            self.add_error(
                "file", _("Butir ini wajib dilengkapi data dukung sebelum diajukan: pilih berkas.")
            )
        columns = COLUMN_FIELD[self.item.kind]
        row = {column: (data.get(name) or "").strip() for column, name in columns.items()}
        # A draft may be saved before its value is known; submitting needs the value.
        document_clean(self, data, upload=data.get("file"))
        if self.intent == SAVE and not any(row.values()):
            self.values = {
                "narrative": data.get("narrative", ""),
                "flag_note": data.get("flag_note", ""),
            }
            return data
        cleaned, errors = clean_answer(self.item, row)
        for error in errors:
            # An empty column can only mean "required": say it shortly, beside the field.
            message = error.message if row.get(error.column) else _("Wajib diisi.")
            self.add_error(columns.get(error.column, None), message)
        self.values = {
            "answer_yes": None,
            "numerator": None,
            "denominator": None,
            "count": None,
            **cleaned,
            "narrative": data.get("narrative", ""),
            "flag_note": data.get("flag_note", ""),
        }
        return data

    def seen_version(self) -> int | None:
        """The version the user loaded; a submission created since then is a conflict too."""
        seen = self.cleaned_data.get("version") or 0
        if self.submission.pk and not seen:
            raise workflow.Conflict()
        return seen or None


def field_ids(form: forms.Form) -> list[tuple[str, str, str]]:
    """(input id, label, messages) of every invalid field, for the error summary at the top.

    In the page's order (the form's field order), not the order the checks ran in.
    """
    return [
        (
            form[name].id_for_label or form[name].auto_id,
            form.fields[name].label,
            " ".join(str(e) for e in form.errors[name]),
        )
        for name in form.fields
        if name in form.errors
    ]


TAKE = "take"


class TakeForm(forms.Form):
    """Take the register's value as the answer: the version and the value the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)

    def __init__(self, *args, submission: Submission, **kwargs):
        self.submission = submission
        super().__init__(*args, **kwargs)

    seen_version = AnswerForm.seen_version
