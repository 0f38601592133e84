"""Forms of the admin's "Import a source pack" page: upload, then confirm the preview."""

from django import forms
from django.core import signing

from .packs import PackError, decode

MAX_PACK_BYTES = 2 * 1024 * 1024
CONFIRM_MAX_AGE = 60 * 60  # seconds between the preview and the confirmation


def _salt(user):
    # Tied to the user: a confirmation form cannot be replayed by someone else.
    return f"sources.import-pack:{user.pk}"


class PackUploadForm(forms.Form):
    """Step 1: the pack file, and optionally the unit's web address."""

    pack = forms.FileField(
        label="Source pack",
        help_text="A UTF-8 text file: the title, the narrative, a line reading "
        '"Primary Sources", then the numbered sources.',
    )
    slug = forms.SlugField(
        required=False,
        max_length=200,
        label="Web address (slug)",
        help_text="Leave empty to use the title, e.g. the-great-purge. Give an existing "
        "unit's slug to update that unit.",
    )

    def clean_pack(self):
        upload = self.cleaned_data["pack"]
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_PACK_BYTES // 1024} KB: is it really a source pack?"
            )
        try:
            return decode(upload.read())
        except PackError as error:
            raise forms.ValidationError(str(error)) from None

    def signed_payload(self, user):
        """The checked text and slug, signed, for the preview's confirmation form."""
        payload = {"text": self.cleaned_data["pack"], "slug": self.cleaned_data["slug"]}
        return signing.dumps(payload, salt=_salt(user), compress=True)


class PackConfirmForm(forms.Form):
    """Step 2: the previewed pack comes back signed; anything altered is refused."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_payload(self):
        try:
            payload = signing.loads(
                self.cleaned_data["payload"], salt=_salt(self.user), max_age=CONFIRM_MAX_AGE
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This preview is more than an hour old. Upload the file again."
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                "The confirmation form was altered, so nothing was imported. Upload the file again."
            ) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise forms.ValidationError("The confirmation form is incomplete. Upload again.")
        return payload
