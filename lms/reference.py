"""The programme's fixed vocabularies: regions, levels of government, gender, languages."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice


class Choice(enum.StrEnum):
    """A fixed value stored as text, with a translatable label."""

    @property
    def label(self) -> str:
        return str(LABELS[self])

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        return [SelectChoice(member.value, member.label) for member in cls]


class Region(Choice):
    MINSK_CITY = "minsk-city"
    BREST = "brest"
    VITEBSK = "vitebsk"
    GOMEL = "gomel"
    GRODNO = "grodno"
    MINSK = "minsk"
    MOGILEV = "mogilev"


class GovLevel(Choice):
    CENTRAL = "central"
    LOCAL = "local"


class Gender(Choice):
    FEMALE = "female"
    MALE = "male"
    NOT_STATED = "not-stated"


class Language(Choice):
    EN = "en"
    RU = "ru"
    BE = "be"


LABELS = {
    Region.MINSK_CITY: _l("Minsk city"),
    Region.BREST: _l("Brest oblast"),
    Region.VITEBSK: _l("Vitebsk oblast"),
    Region.GOMEL: _l("Gomel oblast"),
    Region.GRODNO: _l("Grodno (Hrodna) oblast"),
    Region.MINSK: _l("Minsk oblast"),
    Region.MOGILEV: _l("Mogilev (Mahilieu) oblast"),
    GovLevel.CENTRAL: _l("Central (Republican)"),
    GovLevel.LOCAL: _l("Local"),
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
    Gender.NOT_STATED: _l("Not stated"),
    # Each language is named in itself, so anyone can find their own.
    Language.EN: "English",
    Language.RU: "Русский",
    Language.BE: "Беларуская",
}
