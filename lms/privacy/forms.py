"""The anonymisation confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from lms.forms_util import Form


class AnonymiseForm(Form):
    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           validators=[DataRequired()])
    submit = SubmitField(_l("Anonymise this person"))
