from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Single sign-on (Google, Microsoft, the school's OpenID Connect provider) and students'
    data rights (export, anonymise, erase)."""

    name = "accounts"
    verbose_name = "Accounts and students' data"
