"""Sending account links: always to the log, and by SMTP when a server is configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_link(to: str, subject: str, body: str) -> bool:
    """Log the message; send it by SMTP too when MAIL_SERVER is set. True when sent."""
    config = current_app.config
    current_app.logger.info("Message for %s: %s\n%s", to, subject, body)
    if not config.get("MAIL_SERVER"):
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # The link is still shown to the administrator, so a mail failure loses nothing.
        current_app.logger.exception("Could not send mail to %s", to)
        return False
    return True
