"""Forms of the roster import: choosing the class, and the confirmation that carries the file."""

import base64
import re
import zlib

from django import forms
from django.core.exceptions import SuspiciousOperation, ValidationError
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import BaseStorage

from purgeclass.signed import ALTERED as ALTERED_CONFIRMATION
from purgeclass.signed import unsign_for

from ...models import Classroom

STUDENT_IMPORT = "exercises.student-import"  # what the confirmation's file is signed for


class StudentImportForm(ImportForm):
    classroom = forms.ModelChoiceField(
        Classroom.objects.none(),
        required=False,
        label="Class",
        help_text="Students are enrolled in this class, unless their row gives another of "
        "your classes' join codes.",
    )
    field_order = ["classroom", "resource", "import_file", "format"]


class StudentConfirmImportForm(ConfirmImportForm):
    """The preview's hidden fields, sent back: each is checked, so an altered one is
    refused with a message instead of failing inside django-import-export.

    The admin sets `user` (the file is signed for them), `format_count` and
    `resource_count` (how many of each the import offers) before validating."""

    classroom = forms.ModelChoiceField(
        Classroom.objects.none(), required=False, widget=forms.HiddenInput
    )
    user = None
    format_count = resource_count = 1

    @staticmethod
    def _index(value, count):
        if not re.fullmatch(r"\d{1,3}", value or "") or int(value) >= count:
            raise ValidationError(ALTERED_CONFIRMATION, code="altered")
        return value

    def clean_format(self):
        return self._index(self.cleaned_data["format"], self.format_count)

    def clean_resource(self):
        value = self.cleaned_data["resource"]
        return self._index(value, self.resource_count) if value else value

    def clean_import_file_name(self):
        packed = unsign_for(self.user, STUDENT_IMPORT, self.cleaned_data["import_file_name"])
        if not isinstance(packed, str):
            raise ValidationError(ALTERED_CONFIRMATION, code="altered")
        return packed


class UploadInConfirmForm(BaseStorage):
    """Where an import's file waits between its preview and its confirmation: in the
    confirmation form itself (compressed; the admin signs it for the importing teacher, for
    an hour, with `purgeclass.signed` as the source-pack import does), not in this server's
    temporary folder. With two or more app servers the confirmation may reach another
    server than the preview did (bench/scale.py checks it); a temporary file would not be
    there. A class list is a few kilobytes, so the form stays small."""

    def save(self, data):
        data = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        self.name = base64.urlsafe_b64encode(zlib.compress(data)).decode("ascii")

    def read(self):
        try:
            data = zlib.decompress(base64.urlsafe_b64decode(self.name or ""))
        except (ValueError, zlib.error):
            raise SuspiciousOperation("The import's confirmation form was altered.") from None
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        pass  # nothing was stored anywhere
