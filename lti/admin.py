"""The libraries' own admin pages are not part of the teacher's desk: registrations are
made by dynamic registration (or `manage.py`), and passback states are shown to teachers on
the assignment's LMS page."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult
from lti_tool.models import LtiRegistration

for model in (LtiRegistration, DBTaskResult):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
