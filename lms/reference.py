"""The programme's fixed vocabularies: regions, levels of government, gender, languages."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice


class Choice(enum.StrEnum):
    """A fixed value stored as text, with a translatable label written beside it:
    `PRESENT = "present", _l("Present")`."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        """(value, label) for a select; labels stay lazy, so a form class may hold them."""
        return [SelectChoice(member.value, member._label) for member in cls]


class Region(Choice):
    MINSK_CITY = "minsk-city", _l("Minsk city")
    BREST = "brest", _l("Brest oblast")
    VITEBSK = "vitebsk", _l("Vitebsk oblast")
    GOMEL = "gomel", _l("Gomel oblast")
    GRODNO = "grodno", _l("Grodno (Hrodna) oblast")
    MINSK = "minsk", _l("Minsk oblast")
    MOGILEV = "mogilev", _l("Mogilev (Mahilieu) oblast")


class GovLevel(Choice):
    CENTRAL = "central", _l("Central (Republican)")
    LOCAL = "local", _l("Local")


class Gender(Choice):
    FEMALE = "female", _l("Female")
    MALE = "male", _l("Male")
    NOT_STATED = "not-stated", _l("Not stated")


class Language(Choice):
    # Each language is named in itself, so anyone can find their own.
    EN = "en", "English"
    RU = "ru", "Русский"
    BE = "be", "Беларуская"
