"""Form pieces shared by several domains."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.csrf.core import CSRFTokenField


class Form(FlaskForm):
    """Every form of the app: Flask-WTF's, with its CSRF field written without an id.

    A page often holds several forms (the header's language switch, a remove button per
    row), and ids must be unique on a page; the field is hidden and found by its name.
    """

    class Meta:
        def render_field(self, field, render_kw):
            if isinstance(field, CSRFTokenField):
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes inside a fieldset."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
