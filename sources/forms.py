"""Forms of the source library's admin: a source's page (its image checked), and the
"Import a source pack" page (upload, then confirm the preview)."""

from django import forms

from purgeclass.signed import sign_for, unsign_for

from .images import MAX_IMAGE_BYTES, check_image, stored_name
from .models import Source
from .packs import ArchiveError, PackError, decode, is_zip, read_archive
from .services import held_archive, hold_archive

MAX_PACK_BYTES = 2 * 1024 * 1024
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # a zip of a pack and its images
PACK_IMPORT = "sources.import-pack"  # what the preview's payload is signed for
IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class SourceAdminForm(forms.ModelForm):
    """A source's page in the admin. The image is checked by `sources.images.check_image`
    (type, size, pixels, damage) rather than Django's ImageField, whose refusal of a
    decompression bomb says only "not a valid image"."""

    image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=Source._meta.get_field("image").help_text,
    )

    class Meta:
        model = Source
        fields = [
            *("unit", "number", "header", "author", "title", "year", "month", "day"),
            *("date_printed", "context_note", "head_note", "is_interpretation", "text"),
            *("image", "image_kind", "alt_text", "caption", "credit", "licence"),
        ]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload is False:  # cleared
            return upload
        if not hasattr(upload, "content_type"):
            # Unchanged: None keeps the stored image as it is. Handing the stored file back
            # would make Django open it to measure it again, and an original missing from
            # the storage would turn every save of the source into a server error.
            return None
        if upload.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB: save it "
                "smaller (a width of 2000 pixels is plenty) and try again."
            )
        data = upload.read()
        upload.seek(0)
        checked = check_image(data, name="The image")
        upload.name = stored_name(upload.name, checked)
        return upload


class PackUploadForm(forms.Form):
    """Step 1: the pack file (or a zip of it and its images), and optionally the unit's
    web address."""

    pack = forms.FileField(
        label="Source pack",
        help_text="A UTF-8 text file: the title, the narrative, a line reading "
        '"Primary Sources", then the numbered sources. With images: a .zip holding the '
        "text file and the images it names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.zip,text/plain,application/zip"}),
    )
    slug = forms.SlugField(
        required=False,
        max_length=200,
        label="Web address (slug)",
        help_text="Leave empty to use the title, e.g. the-great-purge. Give an existing "
        "unit's slug to update that unit.",
    )

    images = None  # a zip's other files by name, once clean
    archive = b""  # the zip's bytes, once clean

    def clean_pack(self):
        upload = self.cleaned_data["pack"]
        if upload.size > MAX_ARCHIVE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB: is it "
                "really a source pack?"
            )
        data = upload.read()
        if is_zip(data):
            try:
                archive = read_archive(data)
                text = decode(archive.text)
            except (ArchiveError, PackError) as error:
                raise forms.ValidationError(f"The zip cannot be imported: {error}") from None
            self.images, self.archive = archive.files, data
            return text
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_PACK_BYTES // 1024} KB: is it really a source pack?"
            )
        try:
            return decode(data)
        except PackError as error:
            raise forms.ValidationError(str(error)) from None

    def signed_payload(self, user):
        """The checked text and slug, signed, for the preview's confirmation form; a zip is
        held in storage and named in the payload with its digest."""
        payload = {"text": self.cleaned_data["pack"], "slug": self.cleaned_data["slug"]}
        if self.images is not None:
            payload["archive"], payload["sha256"] = hold_archive(self.archive)
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
        payload["images"] = None
        if payload.get("archive"):
            data = held_archive(payload["archive"], payload.get("sha256"))
            if data is None:
                raise forms.ValidationError(
                    "The uploaded zip is no longer here (previews are kept two hours). "
                    "Upload it again."
                )
            try:
                payload["images"] = read_archive(data).files
            except ArchiveError as error:
                raise forms.ValidationError(f"The zip cannot be imported: {error}") from None
        return payload
