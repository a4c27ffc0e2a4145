"""The survey's answer scales: each question answered in its own words (a fairness question
is answered fair or unfair, not happy or unhappy); 1 is the worst, 5 the best."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SCORE_CHOICES = [
    ("1", _("1 – very unhappy")),
    ("2", _("2 – unhappy")),
    ("3", _("3 – neither happy nor unhappy")),
    ("4", _("4 – happy")),
    ("5", _("5 – very happy")),
]


# Each question's scale in its own words: a fairness question is answered fair or unfair.
FAIRNESS_CHOICES = [
    ("1", _("1 – very unfair")),
    ("2", _("2 – unfair")),
    ("3", _("3 – neither fair nor unfair")),
    ("4", _("4 – fair")),
    ("5", _("5 – very fair")),
]
CLARITY_CHOICES = [
    ("1", _("1 – very unclear")),
    ("2", _("2 – unclear")),
    ("3", _("3 – neither clear nor unclear")),
    ("4", _("4 – clear")),
    ("5", _("5 – very clear")),
]
SPEED_CHOICES = [
    ("1", _("1 – far too slow")),
    ("2", _("2 – too slow")),
    ("3", _("3 – acceptable")),
    ("4", _("4 – quick")),
    ("5", _("5 – very quick")),
]
COURTESY_CHOICES = [
    ("1", _("1 – very impolite")),
    ("2", _("2 – impolite")),
    ("3", _("3 – neither polite nor impolite")),
    ("4", _("4 – polite")),
    ("5", _("5 – very polite")),
]
