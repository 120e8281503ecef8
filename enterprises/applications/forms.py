"""The public application form: the model's own validators, attachments checked by their bytes, a honeypot."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy as _

from .files import check_count, check_upload
from .models import MAX_ATTACHMENTS, Application
from .services import APPLICANT_FIELDS

# The honeypot's name: a field a person never sees (hidden by CSS and from screen readers)
# and a form-filling bot fills, as it fills every field.
HONEYPOT = "fax_number"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ApplicationForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
    )
    declaration = forms.BooleanField(
        label=_("I declare that the information given is true and that I may apply on the enterprise's behalf."),
        error_messages={"required": _("Tick the declaration to submit the application.")},
    )
    fax_number = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Application
        fields = [name for name in APPLICANT_FIELDS if name != "declaration"]
        widgets = {
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "trade_volume": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        }

    def __init__(self, *args, existing_attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        # On the private page: the stored attachments, which the applicant may take off.
        self.existing_attachments = list(existing_attachments)
        if self.existing_attachments:
            self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
                label=_("Remove attachments"),
                required=False,
                coerce=int,
                choices=[(a.pk, a.original_name) for a in self.existing_attachments],
                widget=forms.CheckboxSelectMultiple,
            )
        # Here, not on the class: the message is translated into each request's language.
        self.fields["attachments"].help_text = gettext("PDF, PNG or JPEG, at most 10 MB each and %(count)d in all.") % {"count": MAX_ATTACHMENTS}
        self.fields["credit_code"].help_text = _("18 characters, as on the business licence; its check character is verified.")

    def clean_fax_number(self):
        if self.cleaned_data.get(HONEYPOT):
            raise ValidationError(_("This form could not be accepted. Leave the hidden field empty."), code="honeypot")
        return ""

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        removed = set(self.data.getlist("remove_attachments")) if hasattr(self.data, "getlist") else set()
        kept = [a for a in self.existing_attachments if str(a.pk) not in removed]
        check_count(len(kept), len(uploads))
        errors = []
        for upload in uploads:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

    def removed_attachments(self) -> list[int]:
        return self.cleaned_data.get("remove_attachments") or []

    def applicant_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in APPLICANT_FIELDS}
