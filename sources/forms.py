"""Forms of the admin's "Import a source pack" page: upload, then confirm the preview."""

from django import forms

from purgeclass.signed import sign_for, unsign_for

from .packs import PackError, decode

MAX_PACK_BYTES = 2 * 1024 * 1024
PACK_IMPORT = "sources.import-pack"  # what the preview's payload is signed for


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
        return sign_for(user, PACK_IMPORT, payload, compress=True)


class PackConfirmForm(forms.Form):
    """Step 2: the previewed pack comes back signed; anything altered is refused."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_payload(self):
        # Bound to the user and to an hour (purgeclass.signed), as the student import is.
        payload = unsign_for(self.user, PACK_IMPORT, self.cleaned_data["payload"])
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise forms.ValidationError("The confirmation form is incomplete. Upload again.")
        return payload
