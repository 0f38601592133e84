"""Loaded by pytest (`-p purgeclass.pytest_plugin`) before Django reads its settings.

The test client and the live server speak plain HTTP, so production's HTTPS redirect and
secure-only cookies are off in tests, and static files are served unhashed without
`collectstatic`. Production's values are tested with `check --deploy` in
tests/test_security.py.
"""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
# django-axes needs the request in authenticate(), which the test client's login() does not
# pass; the login-throttling tests turn it on (tests/test_security.py).
os.environ.setdefault("AXES_ENABLED", "false")
