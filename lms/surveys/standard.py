"""The standard post-seminar form that ships with the application, in three languages."""

from __future__ import annotations

STANDARD_KEY = "post-seminar"
STANDARD_NAME = "Post-seminar feedback"

# (kind, required, (en, ru, be), options as (en, ru, be) tuples)
QUESTIONS = [
    ("rating", True, (
        "How relevant was the seminar to your work?",
        "Насколько семинар был актуален для вашей работы?",
        "Наколькі семінар быў актуальны для вашай працы?",
    ), []),
    ("rating", True, (
        "How clearly did the trainers explain the subject?",
        "Насколько понятно тренеры объясняли материал?",
        "Наколькі зразумела трэнеры тлумачылі матэрыял?",
    ), []),
    ("rating", True, (
        "How useful were the seminar materials (presentations, handouts, lessons)?",
        "Насколько полезными были материалы семинара (презентации, раздаточные материалы, уроки)?",
        "Наколькі карыснымі былі матэрыялы семінара (прэзентацыі, раздатачныя матэрыялы, урокі)?",
    ), []),
    ("rating", True, (
        "How well was the seminar organised (venue, timing, equipment)?",
        "Насколько хорошо был организован семинар (место, время, оборудование)?",
        "Наколькі добра быў арганізаваны семінар (месца, час, абсталяванне)?",
    ), []),
    ("single", True, (
        "Will you apply what you learned in your organisation?",
        "Будете ли вы применять полученные знания в своей организации?",
        "Ці будзеце вы прымяняць атрыманыя веды ў сваёй арганізацыі?",
    ), [
        ("Yes, within the next three months", "Да, в ближайшие три месяца",
         "Так, у бліжэйшыя тры месяцы"),
        ("Yes, later", "Да, позже", "Так, пазней"),
        ("Not sure", "Пока не знаю", "Пакуль не ведаю"),
        ("No", "Нет", "Не"),
    ]),
    ("multiple", False, (
        "Which parts of the seminar were most useful to you?",
        "Какие части семинара были для вас наиболее полезными?",
        "Якія часткі семінара былі для вас найбольш карыснымі?",
    ), [
        ("Estonia's experience", "Опыт Эстонии", "Вопыт Эстоніі"),
        ("Serbia's experience", "Опыт Сербии", "Вопыт Сербіі"),
        ("Latvia's experience", "Опыт Латвии", "Вопыт Латвіі"),
        ("Integrated service centres", "Центры обслуживания по принципу «одного окна»",
         "Цэнтры абслугоўвання па прынцыпе «аднаго акна»"),
        ("Legal and organisational changes", "Правовые и организационные изменения",
         "Прававыя і арганізацыйныя змены"),
        ("Planning the implementation in my organisation",
         "Планирование внедрения в моей организации",
         "Планаванне ўкаранення ў маёй арганізацыі"),
    ]),
    ("text", False, (
        "What did you find most valuable?",
        "Что было для вас самым ценным?",
        "Што было для вас самым каштоўным?",
    ), []),
    ("text", False, (
        "What should we improve in the seminar?",
        "Что нам следует улучшить в семинаре?",
        "Што нам варта палепшыць у семінары?",
    ), []),
]
