from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    """An email backend whose server refuses everything."""

    def send_messages(self, email_messages):
        raise OSError("SMTP server refused")
