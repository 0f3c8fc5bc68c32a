"""Test settings: a throwaway secret, a fast hasher and plain static storage (no collectstatic run needed)."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Tests read the sign-up programme fresh (one test's event must never be served to the next one);
# tests/registrations/test_programme_cache.py switches the cache on where it is the subject.
SIGNUP_FORM_CACHE_SECONDS = 0
# Staff tests sign in with force_login and no authenticator app; tests/test_security_mfa.py switches the
# second factor on where it is the subject.
STAFF_MFA_REQUIRED = False
