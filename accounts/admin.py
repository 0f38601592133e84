"""Single sign-on in the admin.

"Social applications" is where a school registers Google, Microsoft or its own OpenID Connect
provider (instead of SSO_* variables) and "Social accounts" lists who is linked to which
provider. allauth's e-mail address and token pages are left out: purgeclass keeps no
provider tokens, and addresses are the account's own.
"""

from allauth.account import admin as account_admin  # noqa: F401  (registers first)
from allauth.account.models import EmailAddress
from allauth.socialaccount import admin as socialaccount_admin  # noqa: F401
from allauth.socialaccount.models import SocialToken
from django.contrib import admin

for model in (EmailAddress, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
