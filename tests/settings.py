"""Kliento's settings for the test suite: jobs run at once, passwords hash fast."""

from kliento.settings import *  # noqa: F403
from kliento.settings import HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
