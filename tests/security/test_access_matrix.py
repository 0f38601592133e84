# ruff: noqa: E501  (the access table below is wider than code lines)
"""Who may open every page: the site and the teachers' desk (admin), URL by URL.

Every URL pattern of the project is found through Django's URL resolver (admin included:
each registered model's changelist, add, change, delete, history and redirect pages, its
actions, the autocomplete of each of its fields, and any custom admin page) and requested,
with the objects of one class filled into its arguments, by six people: nobody logged in,
a student of the class, a student of another class, the class's teacher, another teacher
and a superuser. The outcome must be the one declared in MATRIX below. A URL missing from
MATRIX fails the test, so a new page cannot be added without deciding who may see it; a
row for a URL that no longer exists fails too.

The class's objects are found through their owners' querysets (tests/security/conftest.py),
and every other role asks for those same ids: the table shows what they reach of them.

Outcomes
  ok      shown (redirects are followed); for a POST: shown, and nothing was written
  done    a POST that wrote to the database (the form was accepted, the action ran)
  file    a download (a CSV export)
  hidden  a list (changelist, autocomplete) shown without the class's object in it
  absent  the admin's "… doesn't exist. Perhaps it was deleted?" (its index page instead)
  login   sent to a login page
  400     refused as a bad request, with a page that says so (a confirmation signed for
          another user, a sign-in that did not complete)
  403     refused
  404     not found: the page does not even say whether the object exists
  503     a service the page needs is unreachable (the school's sign-in provider)

Pages that change something are also sent a real POST; each request runs in a transaction
that is rolled back, so one request never changes what the next one finds.

`ACCESS_MATRIX_DOC=1 pytest tests/security/test_access_matrix.py` rewrites
docs/access-matrix.md from the table (after checking it).
"""

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from .conftest import ROLES, teachers_group

# The table ------------------------------------------------------------------------------
# One row per request: the URL's name (its route when it has none; a variant in brackets),
# the method, then the outcome for each role, in the order the URL resolver lists the URLs.

MATRIX = """
url                                                           method anonymous student other_student teacher other_teacher superuser
healthz                                                       GET    ok        ok      ok            ok      ok            ok
admin:exercises_to_mark                                       GET    login     login   login         ok      ok            ok
admin:exercises_workspace                                     GET    login     login   login         ok      404           ok
admin:exercises_workspace                                     POST   login     login   login         done    404           done
admin:exercises_workspace_comments                            POST   login     login   login         done    404           done
admin:exercises_markbook                                      GET    login     login   login         ok      ok            ok
admin:exercises_feedback_sheet                                GET    login     login   login         ok      404           ok
admin:exercises_markbook_class                                GET    login     login   login         ok      404           ok
admin:exercises_markbook_csv                                  GET    login     login   login         file    404           file
admin:exercises_markbook_follow_up                            POST   login     login   login         done    404           done
admin:index                                                   GET    login     login   login         ok      ok            ok
admin:login                                                   GET    ok        ok      ok            ok      ok            ok
admin:logout                                                  POST   login     login   login         ok      ok            ok
admin:password_change                                         GET    login     login   login         ok      ok            ok
admin:exercises_question_templates                            GET    login     login   login         ok      404           ok
admin:exercises_assignment_builder                            GET    login     login   login         ok      404           ok
admin:exercises_assignment_builder                            POST   login     login   login         done    404           done
admin:exercises_question_templates                            POST   login     login   login         done    404           done
admin:exercises_department_library                            GET    login     login   login         ok      ok            ok
admin:exercises_department_library_copy                       POST   login     login   login         404     400           done
admin:exercises_rubric_own_copy                               POST   login     login   login         done    done          done
admin:password_change_done                                    GET    login     login   login         ok      ok            ok
admin:autocomplete(exercises.assignment.classroom)            GET    login     login   login         ok      hidden        ok
admin:autocomplete(exercises.assignmentsource.source)         GET    login     login   login         ok      ok            ok
admin:autocomplete(exercises.criterion.rubric)                GET    login     login   login         ok      ok            ok
admin:autocomplete(exercises.question.assignment)             GET    login     login   login         ok      hidden        ok
admin:autocomplete(exercises.question.rubric)                 GET    login     login   login         ok      ok            ok
admin:autocomplete(sources.source.author)                     GET    login     login   login         ok      ok            ok
admin:jsi18n                                                  GET    login     login   login         ok      ok            ok
admin:view_on_site                                            GET    login     login   login         ok      ok            ok
admin:auth_group_changelist                                   GET    login     login   login         403     403           ok
admin:auth_group_changelist[delete_selected]                  POST   login     login   login         403     403           done
admin:auth_group_add                                          GET    login     login   login         403     403           ok
admin:auth_group_add                                          POST   login     login   login         403     403           ok
admin:auth_group_history                                      GET    login     login   login         403     403           ok
admin:auth_group_delete                                       GET    login     login   login         403     403           ok
admin:auth_group_delete                                       POST   login     login   login         403     403           done
admin:auth_group_change                                       GET    login     login   login         403     403           ok
admin:auth_group_change                                       POST   login     login   login         403     403           ok
admin/auth/group/<path:object_id>/                            GET    login     login   login         403     403           ok
admin:auth_user_password_change                               GET    login     login   login         403     403           ok
admin:auth_user_password_change                               POST   login     login   login         403     403           ok
admin:auth_user_changelist                                    GET    login     login   login         403     403           ok
admin:auth_user_changelist[delete_selected]                   POST   login     login   login         403     403           done
admin:auth_user_changelist[export_student_data]               POST   login     login   login         403     403           file
admin:auth_user_changelist[anonymise_students]                POST   login     login   login         403     403           done
admin:auth_user_changelist[erase_students]                    POST   login     login   login         403     403           done
admin:auth_user_add                                           GET    login     login   login         403     403           ok
admin:auth_user_add                                           POST   login     login   login         403     403           ok
admin:auth_user_history                                       GET    login     login   login         403     403           ok
admin:auth_user_delete                                        GET    login     login   login         403     403           ok
admin:auth_user_delete                                        POST   login     login   login         403     403           done
admin:auth_user_change                                        GET    login     login   login         403     403           ok
admin:auth_user_change                                        POST   login     login   login         403     403           ok
admin/auth/user/<path:object_id>/                             GET    login     login   login         403     403           ok
admin:sources_author_changelist                               GET    login     login   login         ok      ok            ok
admin:sources_author_changelist[delete_selected]              POST   login     login   login         ok      ok            ok
admin:sources_author_add                                      GET    login     login   login         ok      ok            ok
admin:sources_author_add                                      POST   login     login   login         ok      ok            ok
admin:sources_author_history                                  GET    login     login   login         ok      ok            ok
admin:sources_author_delete                                   GET    login     login   login         403     403           ok
admin:sources_author_delete                                   POST   login     login   login         403     403           ok
admin:sources_author_change                                   GET    login     login   login         ok      ok            ok
admin:sources_author_change                                   POST   login     login   login         ok      ok            ok
admin/sources/author/<path:object_id>/                        GET    login     login   login         ok      ok            ok
admin:sources_source_changelist                               GET    login     login   login         ok      ok            ok
admin:sources_source_changelist[delete_selected]              POST   login     login   login         ok      ok            ok
admin:sources_source_add                                      GET    login     login   login         ok      ok            ok
admin:sources_source_add                                      POST   login     login   login         ok      ok            ok
admin:sources_source_history                                  GET    login     login   login         ok      ok            ok
admin:sources_source_delete                                   GET    login     login   login         403     403           ok
admin:sources_source_delete                                   POST   login     login   login         403     403           ok
admin:sources_source_change                                   GET    login     login   login         ok      ok            ok
admin:sources_source_change                                   POST   login     login   login         ok      ok            ok
admin/sources/source/<path:object_id>/                        GET    login     login   login         ok      ok            ok
admin:sources_unit_import                                     GET    login     login   login         ok      ok            ok
admin:sources_unit_import                                     POST   login     login   login         ok      ok            ok
admin:sources_unit_changelist                                 GET    login     login   login         ok      ok            ok
admin:sources_unit_changelist[delete_selected]                POST   login     login   login         ok      ok            ok
admin:sources_unit_add                                        GET    login     login   login         ok      ok            ok
admin:sources_unit_add                                        POST   login     login   login         ok      ok            ok
admin:sources_unit_history                                    GET    login     login   login         ok      ok            ok
admin:sources_unit_delete                                     GET    login     login   login         403     403           ok
admin:sources_unit_delete                                     POST   login     login   login         403     403           ok
admin:sources_unit_change                                     GET    login     login   login         ok      ok            ok
admin:sources_unit_change                                     POST   login     login   login         ok      ok            ok
admin/sources/unit/<path:object_id>/                          GET    login     login   login         ok      ok            ok
admin:exercises_classroom_changelist                          GET    login     login   login         ok      hidden        ok
admin:exercises_classroom_changelist[delete_selected]         POST   login     login   login         ok      ok            done
admin:exercises_classroom_add                                 GET    login     login   login         ok      ok            ok
admin:exercises_classroom_add                                 POST   login     login   login         ok      ok            ok
admin:exercises_classroom_history                             GET    login     login   login         ok      absent        ok
admin:exercises_classroom_delete                              GET    login     login   login         403     403           ok
admin:exercises_classroom_delete                              POST   login     login   login         403     403           done
admin:exercises_classroom_change                              GET    login     login   login         ok      absent        ok
admin:exercises_classroom_change                              POST   login     login   login         ok      absent        ok
admin/exercises/classroom/<path:object_id>/                   GET    login     login   login         ok      absent        ok
admin:exercises_enrollment_process_import                     GET    login     login   login         405     405           405
admin:exercises_enrollment_process_import                     POST   login     login   login         done    400           400
admin:exercises_enrollment_import                             GET    login     login   login         ok      ok            ok
admin:exercises_enrollment_import                             POST   login     login   login         ok      ok            ok
admin:exercises_enrollment_changelist                         GET    login     login   login         ok      hidden        ok
admin:exercises_enrollment_changelist[delete_selected]        POST   login     login   login         done    ok            done
admin:exercises_enrollment_changelist[unlock_logins]          POST   login     login   login         done    ok            done
admin:exercises_enrollment_add                                GET    login     login   login         403     403           403
admin:exercises_enrollment_add                                POST   login     login   login         403     403           403
admin:exercises_enrollment_history                            GET    login     login   login         ok      absent        ok
admin:exercises_enrollment_delete                             GET    login     login   login         ok      absent        ok
admin:exercises_enrollment_delete                             POST   login     login   login         done    absent        done
admin:exercises_enrollment_change                             GET    login     login   login         ok      absent        ok
admin:exercises_enrollment_change                             POST   login     login   login         done    absent        done
admin/exercises/enrollment/<path:object_id>/                  GET    login     login   login         ok      absent        ok
admin:exercises_rubric_changelist                             GET    login     login   login         ok      ok            ok
admin:exercises_rubric_changelist[delete_selected]            POST   login     login   login         ok      ok            done
admin:exercises_rubric_add                                    GET    login     login   login         ok      ok            ok
admin:exercises_rubric_add                                    POST   login     login   login         ok      ok            ok
admin:exercises_rubric_history                                GET    login     login   login         ok      ok            ok
admin:exercises_rubric_delete                                 GET    login     login   login         403     403           ok
admin:exercises_rubric_delete                                 POST   login     login   login         403     403           done
admin:exercises_rubric_change                                 GET    login     login   login         ok      ok            ok
admin:exercises_rubric_change                                 POST   login     login   login         ok      403           ok
admin/exercises/rubric/<path:object_id>/                      GET    login     login   login         ok      ok            ok
admin:exercises_criterion_changelist                          GET    login     login   login         ok      ok            ok
admin:exercises_criterion_changelist[delete_selected]         POST   login     login   login         done    403           done
admin:exercises_criterion_add                                 GET    login     login   login         ok      ok            ok
admin:exercises_criterion_add                                 POST   login     login   login         ok      ok            ok
admin:exercises_criterion_history                             GET    login     login   login         ok      ok            ok
admin:exercises_criterion_delete                              GET    login     login   login         ok      403           ok
admin:exercises_criterion_delete                              POST   login     login   login         done    403           done
admin:exercises_criterion_change                              GET    login     login   login         ok      ok            ok
admin:exercises_criterion_change                              POST   login     login   login         ok      403           ok
admin/exercises/criterion/<path:object_id>/                   GET    login     login   login         ok      ok            ok
admin:exercises_assignment_gradebook                          GET    login     login   login         file    404           file
admin:exercises_assignment_changelist                         GET    login     login   login         ok      hidden        ok
admin:exercises_assignment_changelist[delete_selected]        POST   login     login   login         403     ok            done
admin:exercises_assignment_changelist[duplicate]              POST   login     login   login         done    ok            done
admin:exercises_assignment_changelist[export_gradebook]       POST   login     login   login         file    ok            file
admin:exercises_assignment_add                                GET    login     login   login         ok      ok            ok
admin:exercises_assignment_add                                POST   login     login   login         ok      ok            ok
admin:exercises_assignment_history                            GET    login     login   login         ok      absent        ok
admin:exercises_assignment_delete                             GET    login     login   login         ok      absent        ok
admin:exercises_assignment_delete                             POST   login     login   login         403     absent        done
admin:exercises_assignment_change                             GET    login     login   login         ok      absent        ok
admin:exercises_assignment_change                             POST   login     login   login         ok      absent        ok
admin/exercises/assignment/<path:object_id>/                  GET    login     login   login         ok      absent        ok
admin:exercises_question_changelist                           GET    login     login   login         ok      hidden        ok
admin:exercises_question_changelist[delete_selected]          POST   login     login   login         done    ok            done
admin:exercises_question_add                                  GET    login     login   login         ok      ok            ok
admin:exercises_question_add                                  POST   login     login   login         ok      ok            ok
admin:exercises_question_history                              GET    login     login   login         ok      absent        ok
admin:exercises_question_delete                               GET    login     login   login         ok      absent        ok
admin:exercises_question_delete                               POST   login     login   login         done    absent        done
admin:exercises_question_change                               GET    login     login   login         ok      absent        ok
admin:exercises_question_change                               POST   login     login   login         ok      absent        ok
admin/exercises/question/<path:object_id>/                    GET    login     login   login         ok      absent        ok
admin:exercises_submission_changelist                         GET    login     login   login         ok      hidden        ok
admin:exercises_submission_changelist[delete_selected]        POST   login     login   login         ok      ok            done
admin:exercises_submission_changelist[score_objective]        POST   login     login   login         ok      ok            ok
admin:exercises_submission_changelist[release_grades]         POST   login     login   login         done    ok            done
admin:exercises_submission_changelist[withdraw_release]       POST   login     login   login         ok      ok            ok
admin:exercises_submission_changelist[return_for_revision]    POST   login     login   login         done    ok            done
admin:exercises_submission_changelist[export_gradebook]       POST   login     login   login         file    ok            file
admin:exercises_submission_add                                GET    login     login   login         403     403           403
admin:exercises_submission_add                                POST   login     login   login         403     403           403
admin:exercises_submission_history                            GET    login     login   login         ok      absent        ok
admin:exercises_submission_delete                             GET    login     login   login         403     403           ok
admin:exercises_submission_delete                             POST   login     login   login         403     403           done
admin:exercises_submission_change                             GET    login     login   login         ok      absent        ok
admin:exercises_submission_change                             POST   login     login   login         ok      absent        ok
admin/exercises/submission/<path:object_id>/                  GET    login     login   login         ok      absent        ok
admin:exercises_commentbankentry_changelist                   GET    login     login   login         ok      hidden        ok
admin:exercises_commentbankentry_changelist[delete_selected]  POST   login     login   login         done    ok            done
admin:exercises_commentbankentry_add                          GET    login     login   login         ok      ok            ok
admin:exercises_commentbankentry_add                          POST   login     login   login         done    done          done
admin:exercises_commentbankentry_history                      GET    login     login   login         ok      absent        ok
admin:exercises_commentbankentry_delete                       GET    login     login   login         ok      absent        ok
admin:exercises_commentbankentry_delete                       POST   login     login   login         done    absent        done
admin:exercises_commentbankentry_change                       GET    login     login   login         ok      absent        ok
admin:exercises_commentbankentry_change                       POST   login     login   login         done    absent        done
admin/exercises/commentbankentry/<path:object_id>/            GET    login     login   login         ok      absent        ok
admin:axes_accesslog_changelist                               GET    login     login   login         403     403           ok
admin:axes_accesslog_changelist[delete_selected]              POST   login     login   login         403     403           done
admin:axes_accesslog_add                                      GET    login     login   login         403     403           403
admin:axes_accesslog_add                                      POST   login     login   login         403     403           403
admin:axes_accesslog_history                                  GET    login     login   login         403     403           ok
admin:axes_accesslog_delete                                   GET    login     login   login         403     403           ok
admin:axes_accesslog_delete                                   POST   login     login   login         403     403           done
admin:axes_accesslog_change                                   GET    login     login   login         403     403           ok
admin:axes_accesslog_change                                   POST   login     login   login         403     403           ok
admin/axes/accesslog/<path:object_id>/                        GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_changelist                        GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_changelist[delete_selected]       POST   login     login   login         403     403           done
admin:axes_accessfailurelog_add                               GET    login     login   login         403     403           403
admin:axes_accessfailurelog_add                               POST   login     login   login         403     403           403
admin:axes_accessfailurelog_history                           GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_delete                            GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_delete                            POST   login     login   login         403     403           done
admin:axes_accessfailurelog_change                            GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_change                            POST   login     login   login         403     403           ok
admin/axes/accessfailurelog/<path:object_id>/                 GET    login     login   login         403     403           ok
admin:axes_accessattempt_changelist                           GET    login     login   login         403     403           ok
admin:axes_accessattempt_changelist[delete_selected]          POST   login     login   login         403     403           done
admin:axes_accessattempt_changelist[cleanup_expired_attempts] POST   login     login   login         403     403           ok
admin:axes_accessattempt_add                                  GET    login     login   login         403     403           403
admin:axes_accessattempt_add                                  POST   login     login   login         403     403           403
admin:axes_accessattempt_history                              GET    login     login   login         403     403           ok
admin:axes_accessattempt_delete                               GET    login     login   login         403     403           ok
admin:axes_accessattempt_delete                               POST   login     login   login         403     403           done
admin:axes_accessattempt_change                               GET    login     login   login         403     403           ok
admin:axes_accessattempt_change                               POST   login     login   login         403     403           ok
admin/axes/accessattempt/<path:object_id>/                    GET    login     login   login         403     403           ok
admin:socialaccount_socialapp_changelist                      GET    login     login   login         403     403           ok
admin:socialaccount_socialapp_changelist[delete_selected]     POST   login     login   login         403     403           done
admin:socialaccount_socialapp_add                             GET    login     login   login         403     403           ok
admin:socialaccount_socialapp_add                             POST   login     login   login         403     403           ok
admin:socialaccount_socialapp_history                         GET    login     login   login         403     403           ok
admin:socialaccount_socialapp_delete                          GET    login     login   login         403     403           ok
admin:socialaccount_socialapp_delete                          POST   login     login   login         403     403           done
admin:socialaccount_socialapp_change                          GET    login     login   login         403     403           ok
admin:socialaccount_socialapp_change                          POST   login     login   login         403     403           ok
admin/socialaccount/socialapp/<path:object_id>/               GET    login     login   login         403     403           ok
admin:socialaccount_socialaccount_changelist                  GET    login     login   login         403     403           ok
admin:socialaccount_socialaccount_changelist[delete_selected] POST   login     login   login         403     403           done
admin:socialaccount_socialaccount_add                         GET    login     login   login         403     403           ok
admin:socialaccount_socialaccount_add                         POST   login     login   login         403     403           ok
admin:socialaccount_socialaccount_history                     GET    login     login   login         403     403           ok
admin:socialaccount_socialaccount_delete                      GET    login     login   login         403     403           ok
admin:socialaccount_socialaccount_delete                      POST   login     login   login         403     403           done
admin:socialaccount_socialaccount_change                      GET    login     login   login         403     403           ok
admin:socialaccount_socialaccount_change                      POST   login     login   login         403     403           ok
admin/socialaccount/socialaccount/<path:object_id>/           GET    login     login   login         403     403           ok
admin:app_list(auth)                                          GET    login     login   login         404     404           ok
admin:app_list(axes)                                          GET    login     login   login         404     404           ok
admin:app_list(exercises)                                     GET    login     login   login         ok      ok            ok
admin:app_list(sources)                                       GET    login     login   login         ok      ok            ok
admin:app_list(socialaccount)                                 GET    login     login   login         404     404           ok
admin/(?P<url>.*)$                                            GET    login     login   login         404     404           404
login                                                         GET    ok        ok      ok            ok      ok            ok
logout                                                        POST   ok        ok      ok            ok      ok            ok
password_change                                               GET    login     ok      ok            ok      ok            ok
password_change_done                                          GET    login     ok      ok            ok      ok            ok
google_login                                                  GET    404       404     404           404     404           404
google_login                                                  POST   404       404     404           404     404           404
google_callback                                               GET    404       404     404           404     404           404
microsoft_login                                               GET    404       404     404           404     404           404
microsoft_login                                               POST   404       404     404           404     404           404
microsoft_callback                                            GET    404       404     404           404     404           404
openid_connect_login                                          GET    ok        ok      ok            ok      ok            ok
openid_connect_login                                          POST   503       503     503           503     503           503
openid_connect_callback                                       GET    400       400     400           400     400           400
sources:unit_list                                             GET    ok        ok      ok            ok      ok            ok
sources:unit_detail                                           GET    ok        ok      ok            ok      ok            ok
sources:source_detail                                         GET    ok        ok      ok            ok      ok            ok
exercises:dashboard                                           GET    login     ok      ok            ok      ok            ok
exercises:progress                                            GET    login     ok      ok            ok      ok            ok
exercises:join_class                                          GET    login     ok      ok            ok      ok            ok
exercises:join_class                                          POST   login     ok      done          done    done          done
exercises:assignment                                          GET    login     ok      404           404     404           404
exercises:start                                               POST   login     ok      404           404     404           404
exercises:assignment_preview                                  GET    login     404     404           ok      404           ok
exercises:assignment_preview                                  POST   login     404     404           ok      404           ok
exercises:save_answer                                         POST   login     done    404           404     404           404
exercises:submit                                              GET    login     ok      404           404     404           404
exercises:submit                                              POST   login     done    404           404     404           404
exercises:respond                                             POST   login     400     404           404     404           404
exercises:analytics                                           GET    login     404     404           ok      404           ok
exercises:analytics                                           POST   login     404     404           done    404           done
exercises:analytics_projector                                 GET    login     404     404           ok      404           ok
lti:jwks                                                      GET    ok        ok      ok            ok      ok            ok
lti:login                                                     GET    400       400     400           400     400           400
lti:launch                                                    POST   400       400     400           400     400           400
lti:deep_link                                                 GET    login     400     400           400     400           400
lti:deep_link                                                 POST   login     400     400           400     400           400
lti:register                                                  GET    login     login   login         login   login         400
lti:register                                                  POST   login     login   login         login   login         400
lti:assignment_lms                                            GET    login     404     404           ok      404           ok
lti:sync_roster                                               POST   login     404     404           ok      404           ok
"""


# Requests -------------------------------------------------------------------------------

ADMIN_FORM_VIEWS = ("_add", "_change", "_delete")
POST_ONLY = {
    "logout",
    "admin:exercises_workspace_comments",
    "admin:exercises_markbook_follow_up",
    "admin:logout",
    "exercises:save_answer",
    "exercises:start",
    "exercises:respond",
    "lti:launch",
    "lti:sync_roster",
    "admin:exercises_department_library_copy",
    "admin:exercises_rubric_own_copy",
}
POSTED = {
    "admin:exercises_workspace",
    "exercises:join_class",
    "lti:deep_link",
    "lti:register",
    "exercises:submit",
    "exercises:analytics",
    "admin:sources_unit_import",
    "admin:exercises_enrollment_import",
    "admin:exercises_enrollment_process_import",
    "google_login",
    "microsoft_login",
    "openid_connect_login",
    "admin:exercises_question_templates",
    "admin:exercises_assignment_builder",
    "exercises:assignment_preview",
}


def _post_data(key, world):
    """What a POST to the page sends: a real, valid form where there is one."""
    mine = world.mine
    if key == "exercises:save_answer":
        return {"revision": mine.answer.revision, "text": "An answer saved in the matrix."}
    if key == "admin:exercises_question_templates":
        return {"template": "hat-sourcing"}
    if key == "exercises:assignment_preview":
        # A teacher's try at a question: checked and scored, never saved.
        return {"question": mine.questions["written"].pk, "revision": 0, "text": "A try."}
    if key == "admin:exercises_assignment_builder":
        return {"action": "add", "kind": "written"}
    if key == "admin:exercises_department_library_copy":
        return {"classroom": mine.classroom.pk}
    if key == "exercises:join_class":
        return {"code": mine.classroom.join_code}
    if key == "admin:exercises_workspace":  # a mark for the classmate's handed-in answer
        answer = mine.handed_in_answer.pk
        return {"answer": answer, f"answer-{answer}-version": 0, f"answer-{answer}-score": 1}
    if key == "admin:exercises_workspace_comments":
        answer = mine.handed_in_answer.pk
        return {"answer": answer, "field": "text", "quote": "Vyshinsky", "comment": "Who?"}
    if key == "admin:exercises_commentbankentry_add":
        return {"criterion": mine.criterion.pk, "code": "N1", "text": "A new comment."}
    if key == "admin:exercises_commentbankentry_change":
        return {"criterion": mine.criterion.pk, "code": "E1", "text": "An edited comment."}
    if key == "admin:exercises_markbook_follow_up":
        return {"assignment": mine.assignment.pk, "students": [mine.student.pk]}
    if key == "exercises:analytics":
        return {"question": mine.questions["written"].pk, "answers": [mine.handed_in_answer.pk]}
    if key == "admin:sources_unit_import":
        pack = "The Show Trials\n\nBackground.\n\nPrimary Sources\n\n(1) Pravda (1936)\n\nText.\n"
        return {"pack": SimpleUploadedFile("pack.txt", pack.encode()), "slug": "show-trials"}
    if key == "admin:exercises_enrollment_import":
        rows = "username,first_name,last_name,email,password,join_code\r\nnewpupil,New,Pupil,,,\r\n"
        upload = SimpleUploadedFile("students.csv", rows.encode(), content_type="text/csv")
        return {
            "resource": "0",
            "format": "0",
            "classroom": mine.classroom.pk,
            "import_file": upload,
        }
    if key == "admin:exercises_enrollment_process_import":
        return _confirmed_student_import(world)
    if key == "admin:exercises_enrollment_change":
        # A teacher sets a student's accommodations (the only fields they may change here).
        return {"extra_time_percent": 25, "accommodation_note": "Extra time in exams."}
    if key.endswith("_delete"):
        return {"post": "yes"}
    return {}


def _confirmed_student_import(world):
    """The confirmation the class's teacher gets after uploading a students' CSV file."""
    teacher = Client()
    teacher.force_login(world.mine.teacher)
    preview = teacher.post(
        reverse("admin:exercises_enrollment_import"),
        _post_data("admin:exercises_enrollment_import", world),
    )
    return {
        name: value
        for name, value in preview.context["confirm_form"].initial.items()
        if value is not None
    }


def _admin_object(model, world):
    """The object of `model` that belongs to the class under test (or to its people)."""
    mine = world.mine
    objects = {
        "auth.user": lambda: mine.student,
        "auth.group": teachers_group,
        "sources.unit": lambda: world.unit,
        "sources.source": lambda: world.sources[0],
        "sources.author": lambda: world.sources[0].author,
        "axes.accessattempt": lambda: AccessAttempt.objects.get(username=mine.student.username),
        "axes.accesslog": lambda: AccessLog.objects.get(username=mine.student.username),
        "axes.accessfailurelog": lambda: AccessFailureLog.objects.get(
            username=mine.student.username
        ),
        "exercises.classroom": lambda: mine.classroom,
        "exercises.enrollment": lambda: mine.enrollment,
        "exercises.assignment": lambda: mine.assignment,
        "exercises.question": lambda: mine.questions["written"],
        "exercises.submission": lambda: mine.handed_in,
        "exercises.answer": lambda: mine.answer,
        "exercises.grade": lambda: mine.grade,
        "exercises.rubric": lambda: mine.rubric,
        "exercises.criterion": lambda: mine.criterion,
        "exercises.commentbankentry": lambda: mine.bank_comment,
        "socialaccount.socialapp": lambda: SocialApp.objects.get(provider_id="school"),
        "socialaccount.socialaccount": lambda: SocialAccount.objects.get(user=mine.student),
    }
    label = model._meta.label_lower
    if label not in objects:
        pytest.fail(f"Say which {label} belongs to the class in _admin_object().")
    return objects[label]()


def _argument(name, key, model, world):
    mine = world.mine
    if key == "admin:view_on_site":  # what "View on site" links to: a source's page
        source = world.sources[0]
        return {
            "content_type_id": ContentType.objects.get_for_model(source).pk,
            "object_id": source.pk,
        }[name]
    if key == "admin:exercises_rubric_own_copy":
        return mine.rubric.pk
    if name in ("object_id", "id") and model is not None:
        return _admin_object(model, world).pk
    values = {
        "pk": mine.assignment.pk,
        "classroom_pk": mine.classroom.pk,
        "question_pk": mine.questions["written"].pk,
        "slug": world.unit.slug,
        "number": world.sources[0].number,
        "url": "no-such-page/",
        "provider_id": "school",
    }
    if name not in values:
        pytest.fail(f"{key}: say what to fill into <{name}> in _argument().")
    return values[name]


@dataclass
class Found:
    """A URL pattern found by walking the resolver."""

    key: str  # the URL's name, or its route when it has none
    parts: list  # the patterns from the root to this one
    model_admin: ModelAdmin | None

    def group_names(self):
        names = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                names += part.converters.keys()
            else:
                names += re.compile(str(part)).groupindex.keys()
        return names

    def path(self, values):
        """The URL with `values` filled in: patterns without a name cannot be reversed."""
        url = "/"
        for part in self.parts:
            if isinstance(part, RoutePattern):
                url += re.sub(
                    r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>",
                    lambda m, part=part: str(part.converters[m["name"]].to_url(values[m["name"]])),
                    str(part),
                )
            else:
                assert isinstance(part, RegexPattern)
                url += re.sub(
                    r"\(\?P<(?P<name>\w+)>[^)]*\)",
                    lambda m: str(values[m["name"]]),
                    str(part).lstrip("^").rstrip("$"),
                )
        return url


def _model_admin_of(callback):
    """The ModelAdmin a view belongs to (admin views are wrapped once or twice)."""
    view = callback
    while view is not None:
        owner = getattr(view, "model_admin", None) or getattr(view, "__self__", None)
        if isinstance(owner, ModelAdmin):
            return owner
        view = getattr(view, "__wrapped__", None)
    return None


def walk(patterns=None, parts=(), namespace=""):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        here = [*parts, entry.pattern]
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, here, inner)
        else:
            assert isinstance(entry, URLPattern)
            key = f"{namespace}{entry.name}" if entry.name else "".join(map(str, here))
            yield Found(key, here, _model_admin_of(entry.callback))


@dataclass
class Probe:
    label: str
    method: str
    path: str
    data: object = dict  # makes the POST's data afresh each time (an upload is read once)
    query: dict = field(default_factory=dict)
    listed: object = None  # a list page: the class's object that it may or may not show
    of_object: bool = False  # an admin page of one object (its id is in the URL)

    @property
    def row(self):
        return (self.label, self.method)


def _action_names(model_admin):
    if model_admin.actions is None:
        return []
    names = [name for name, _ in admin.site.actions]
    for action in model_admin.actions:
        names.append(action if isinstance(action, str) else action.__name__)
    return names


def _autocomplete_fields():
    """(model, field) of every autocomplete box of the admin, inlines' included."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            found.append((model, name))
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                found.append((inline.model, name))
    return sorted(set(found), key=lambda pair: (pair[0]._meta.label_lower, pair[1]))


def _variants(url, world):
    """(label, path, extra probe fields) of the requests one URL pattern gets."""
    model = url.model_admin.model if url.model_admin else None
    if url.key == "admin:app_list":
        labels = sorted({model._meta.app_label for model in admin.site._registry})
        return [
            (f"admin:app_list({label})", url.path({"app_label": label}), {}) for label in labels
        ]
    values = {name: _argument(name, url.key, model, world) for name in url.group_names()}
    path = url.path(values)
    if url.key == "admin:autocomplete":
        variants = []
        for source_model, name in _autocomplete_fields():
            remote = source_model._meta.get_field(name).remote_field.model
            query = {
                "app_label": source_model._meta.app_label,
                "model_name": source_model._meta.model_name,
                "field_name": name,
            }
            label = f"admin:autocomplete({source_model._meta.label_lower}.{name})"
            variants.append((label, path, {"query": query, "listed": _admin_object(remote, world)}))
        return variants
    if url.model_admin and url.key.endswith("_changelist"):
        return [(url.key, path, {"listed": _admin_object(model, world)})]
    return [(url.key, path, {"of_object": bool(url.model_admin and "object_id" in values)})]


def probes(world):
    """Every request the matrix makes, in the order the resolver lists the URLs."""
    found = []
    for url in walk():
        for label, path, extra in _variants(url, world):
            methods = ["GET"]
            if url.key in POST_ONLY:
                methods = ["POST"]
            elif url.key in POSTED or (url.model_admin and url.key.endswith(ADMIN_FORM_VIEWS)):
                methods = ["GET", "POST"]
            for method in methods:
                data = partial(_post_data, url.key, world)
                found.append(Probe(label, method, path, data, **extra))
            if url.model_admin and url.key.endswith("_changelist"):
                target = _admin_object(url.model_admin.model, world)
                for action in _action_names(url.model_admin):
                    posted = {"action": action, "_selected_action": [target.pk], "post": "yes"}
                    found.append(Probe(f"{url.key}[{action}]", "POST", path, lambda p=posted: p))
    return found


# Outcomes -------------------------------------------------------------------------------

LOGIN_PAGES = {reverse(settings.LOGIN_URL), reverse("admin:login")}
ADMIN_INDEX = reverse("admin:index")
# What a request could write. Sessions change on every login, and the admin's log records
# even a save that changed nothing: neither proves that anything was written.
NOT_WATCHED = {Session, LogEntry}


def database_state():
    """A digest of every row a request could write (a user's last login excepted: logging
    in a role's client writes it, and proves nothing)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model in NOT_WATCHED:
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        rows = model._base_manager.order_by("pk").values_list(*columns)
        digest.update(repr((model._meta.label, list(rows))).encode())
    return digest.hexdigest()


def _listed(response, obj):
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return f'"id": "{obj.pk}"' in body
    opts = obj._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    return change in body


def outcome(client, probe, before):
    """What `client` gets from `probe`; `before` is the database's state before it."""
    if probe.method == "POST":
        response = client.post(probe.path, probe.data())
    else:
        response = client.get(probe.path, probe.query)
    landed = probe.path
    for _ in range(5):
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        location = response["Location"]
        if urlsplit(location).path in LOGIN_PAGES and urlsplit(probe.path).path not in LOGIN_PAGES:
            return "login"
        landed = urlsplit(location).path
        response = client.get(location)
    else:
        return "redirect-loop"
    if response.status_code != 200:
        return str(response.status_code)
    if "attachment" in response.get("Content-Disposition", ""):
        return "file"
    if probe.method == "POST" and database_state() != before:
        return "done"
    if probe.of_object and landed == ADMIN_INDEX:
        # The admin's answer to an object it will not show: "… doesn't exist. Perhaps it
        # was deleted?" on its index page.
        return "absent"
    if probe.listed is not None and not _listed(response, probe.listed):
        return "hidden"
    return "ok"


class Roles:
    """A logged-in client per role. Each request runs in a transaction rolled back after
    it, and the client's cookies are put back as they were (a logout, a new session key),
    so every request starts from the same database and the same login."""

    def __init__(self, world):
        self.clients = {}
        for role in ROLES:
            client = Client(raise_request_exception=False)
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            self.clients[role] = client
        self.before = database_state()

    def observe(self, probe, role):
        client = self.clients[role]
        cookies = client.cookies
        client.cookies = type(cookies)(cookies)
        with transaction.atomic():
            result = outcome(client, probe, self.before)
            transaction.set_rollback(True)
        client.cookies = cookies
        return result


OUTCOMES = r"ok|done|file|hidden|absent|login|\d{3}"


def declared():
    rows = {}
    lines = [line for line in MATRIX.strip().splitlines()[1:] if line.strip()]
    for line in lines:
        label, method, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), f"{label}: one outcome per role: {ROLES}"
        assert all(re.fullmatch(OUTCOMES, o) for o in outcomes), line
        assert (label, method) not in rows, f"{label} {method} is declared twice"
        rows[(label, method)] = dict(zip(ROLES, outcomes, strict=True))
    return rows


def render(rows):
    widths = [max(len(label) for label, _ in rows), 6, *[len(role) for role in ROLES]]
    header = ["url", "method", *ROLES]
    lines = [" ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for (label, method), outcomes in rows.items():
        cells = [label, method, *[outcomes[role] for role in ROLES]]
        lines.append(" ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(lines)


# The tests ------------------------------------------------------------------------------


@pytest.fixture
def world(world):
    student = world.mine.student.username
    AccessAttempt.objects.create(
        username=student, ip_address="10.0.0.1", failures_since_start=1, user_agent="x"
    )
    AccessLog.objects.create(username=student, ip_address="10.0.0.1", user_agent="x")
    AccessFailureLog.objects.create(username=student, ip_address="10.0.0.1", user_agent="x")
    # The school's own sign-in, registered in the admin; nothing listens on its port, so
    # starting a sign-in gets the "cannot be reached" page (tests/accounts has a real one).
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="school",
        name="School account",
        client_id="purgeclass",
        settings={"server_url": "http://127.0.0.1:9/o", "allowed_domains": ["school.example"]},
    )
    SocialAccount.objects.create(user=world.mine.student, provider="school", uid="subject-1")
    return world


def test_every_url_has_declared_expectations_and_no_declared_url_is_gone(world):
    requested = [probe.row for probe in probes(world)]
    table = set(declared())
    undeclared = [row for row in requested if row not in table]
    gone = sorted(table - set(requested))
    assert not undeclared, "Decide who may open these (add them to MATRIX):\n" + "\n".join(
        f"  {label} {method}" for label, method in undeclared
    )
    assert not gone, "MATRIX names requests no URL pattern makes any more:\n" + "\n".join(
        f"  {label} {method}" for label, method in gone
    )


def test_every_role_gets_what_the_matrix_declares(world):
    table = declared()
    observed = {}
    wrong = []
    roles = Roles(world)
    for probe in probes(world):
        observed[probe.row] = {role: roles.observe(probe, role) for role in ROLES}
        expected = table.get(probe.row)
        if expected is None:
            continue  # reported by the test above
        for role in ROLES:
            if observed[probe.row][role] != expected[role]:
                wrong.append(
                    f"  {probe.label} {probe.method} as {role}: "
                    f"{observed[probe.row][role]}, declared {expected[role]}"
                )
    print("\n" + render(observed))
    assert not wrong, "Outcomes differ from MATRIX:\n" + "\n".join(wrong)
    if os.environ.get("ACCESS_MATRIX_DOC"):
        write_doc(table)


DOC = Path(settings.BASE_DIR) / "docs" / "access-matrix.md"


def write_doc(rows):
    outcomes = __doc__[__doc__.index("Outcomes") :].split("\n\n")[0]
    DOC.write_text(
        "# Who may open what\n\n"
        "Generated by tests/security/test_access_matrix.py "
        "(`ACCESS_MATRIX_DOC=1 .venv/bin/python -m pytest "
        "tests/security/test_access_matrix.py`): the test fails whenever a URL's outcome "
        "differs from this table or a URL is missing from it.\n\n"
        "Roles: anonymous (not logged in), student (enrolled in the class whose objects are "
        "requested), other_student (enrolled in another class), teacher (teaches the "
        'class: staff, in the "Teachers" group), other_teacher (teaches another class, '
        "also in the group), superuser.\n\n"
        "```\n" + outcomes + "\n```\n\n"
        "Pages that change something are requested with GET and with a real POST; "
        "`[name]` rows are the changelist's actions, run on the class's object.\n\n"
        "Uploaded files (the images of visual sources, under MEDIA_URL) are not app URLs: "
        "the app serves them only with DEBUG on, in development; in production the proxy "
        "or the object store serves them, to anyone with the link, as the source pages "
        "that show them are public.\n\n"
        "```\n" + render(rows) + "\n```\n",
        encoding="utf-8",
    )
