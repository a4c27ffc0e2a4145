"""Numbers, money and days as a reader of the language expects them: "1.234,5" and
"8.990.000 ₫" in Vietnamese, "1,234.5" in English; days as dd/mm/yyyy in Vietnamese.

The separators come from Django's locale formats; the grouping is always by thousands (Django's
Vietnamese format leaves large numbers ungrouped, which is hard to read in a report).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import formats, translation

# The symbol shown after an amount; other currencies show their ISO code.
CURRENCY_SYMBOLS = {"VND": "₫"}
# How a day is written, by language; other languages use their SHORT_DATE_FORMAT.
DAY_FORMATS = {"vi": "d/m/Y", "en": "j M Y"}


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "vi").split("-")[0]


def number_format(value: Any, places: int = 0, *, language: str | None = None) -> str:
    """``value`` rounded half up to ``places`` decimals, grouped by thousands; "" for None or
    what is not a number."""
    if value is None or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    lang = _language(language)
    decimal_sep = str(formats.get_format("DECIMAL_SEPARATOR", lang))
    thousand_sep = str(formats.get_format("THOUSAND_SEPARATOR", lang))
    if thousand_sep == decimal_sep or not thousand_sep.strip():
        thousand_sep = "." if decimal_sep == "," else ","
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + thousand_sep.join(groups)
    return f"{text}{decimal_sep}{fraction}" if places > 0 else text


def money_format(value: Any, *, currency: str = "VND", language: str | None = None) -> str:
    """A whole amount with its currency: "8.990.000 ₫" (Vietnamese), "8,990,000 ₫" (English)."""
    text = number_format(value, 0, language=language)
    if not text:
        return ""
    return f"{text} {CURRENCY_SYMBOLS.get(currency, currency)}"


def day_format(day: dt.date, *, language: str | None = None) -> str:
    """A day: 05/03/2026 in Vietnamese, 5 Mar 2026 in English."""
    lang = _language(language)
    with translation.override(lang):
        return formats.date_format(day, DAY_FORMATS.get(lang, "SHORT_DATE_FORMAT"))
