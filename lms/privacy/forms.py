"""The anonymisation confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired


class AnonymiseForm(FlaskForm):
    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           validators=[DataRequired()])
    submit = SubmitField(_l("Anonymise this person"))
