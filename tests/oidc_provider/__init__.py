"""A small OpenID Connect provider for the single sign-on tests: a Django project of its own
(settings, URLs, SQLite database) built on django-oauth-toolkit, run by the tests in its own
process on 127.0.0.1 (tests/accounts/conftest.py). It stands for the school's provider."""
