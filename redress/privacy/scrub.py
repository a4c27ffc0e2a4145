"""Finding a person's identifiers in stored text and replacing them (erasure by anonymisation).

``Identifiers`` knows the forms a name, an email, an address or a phone number takes in free
text (any case, with or without Vietnamese diacritics, a phone as 0912345678, 0912 345 678,
0912.345.678 or +84912345678) and replaces each with ``PLACEHOLDER``. ``rows_scrub`` applies it
to every text and JSON column of the rows given; ``rows_mentioning`` finds, in any table, the
rows whose text holds one of the identifiers as stored (a few queries per table: the search
terms go in batches that SQLite and PostgreSQL accept however many identifiers a person has).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from redress.core.text import fold

# What an identifier becomes: the register is kept in Vietnamese ("erased").
PLACEHOLDER = "[đã xoá]"

# Shorter values (an initial, a two-letter organisation) would wipe unrelated words.
_SHORTEST = 3
_SEPARATOR = r"[\s.\-]?"

# Tables never scrubbed by the sweep: the audit trail is redacted through its own service
# (audit.services.audit_redact, which keeps the chain verifiable); the others hold no one's text.
_NOT_SWEPT = {"audit", "contenttypes", "sessions"}


def phone_national(phone: str) -> str:
    """The national significant number of a Vietnamese phone ("0912 345 678", "+84 912 345 678"
    → "912345678"); other numbers keep their digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        return digits[2:]
    if digits.startswith("0"):
        return digits[1:]
    return digits


def phone_forms(phone: str) -> list[str]:
    """The common written forms of a phone number, for a search in the database."""
    national = phone_national(phone)
    if len(national) < 6:
        return []
    head, rest = national[:3], national[3:]
    grouped = " ".join(rest[i : i + 3] for i in range(0, len(rest), 3))
    forms = {
        phone.strip(),
        f"0{national}",
        f"+84{national}",
        f"84{national}",
        f"0{head} {grouped}",
        f"+84 {head} {grouped}",
        f"0{head}.{grouped.replace(' ', '.')}",
        f"0{head}-{grouped.replace(' ', '-')}",
    }
    return sorted(form for form in forms if form)


@dataclass(frozen=True)
class Identifiers:
    """A person's identifiers: ``texts`` (names, emails, addresses, organisations, a
    representative's name and contact) and ``phones``."""

    texts: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    @classmethod
    def of(cls, texts: Iterable[str], phones: Iterable[str]) -> Identifiers:
        kept = {" ".join(t.split()) for t in texts if len(" ".join(t.split())) >= _SHORTEST}
        numbers = {p for p in phones if len(phone_national(p)) >= 6}
        # Longest first: "Nguyễn Văn An, 12 Lê Lợi" goes as a whole before "Nguyễn Văn An".
        return cls(
            tuple(sorted(kept, key=lambda t: (-len(t), t))),
            tuple(sorted(numbers)),
        )

    def __bool__(self) -> bool:
        return bool(self.texts or self.phones)

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        parts: list[str] = []
        for text in self.texts:
            for form in dict.fromkeys((text, fold(text))):
                parts.append(r"\s+".join(re.escape(word) for word in form.split()))
        for phone in self.phones:
            digits = phone_national(phone)
            parts.append(
                r"(?<!\d)(?:\(?\+?84\)?|0)" + _SEPARATOR + _SEPARATOR.join(digits) + r"(?!\d)"
            )
        if not parts:
            return None
        return re.compile("|".join(parts), re.IGNORECASE)

    def replace(self, text: str) -> str:
        """``text`` with every identifier replaced by the placeholder (any case; a name also
        written without its diacritics)."""
        if not text or self.pattern is None:
            return text
        return self.pattern.sub(PLACEHOLDER, text)

    def replace_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.replace(value)
        if isinstance(value, dict):
            return {self.replace(str(k)): self.replace_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.replace_json(v) for v in value]
        return value

    def search_forms(self) -> list[str]:
        """The forms to look for in the database: as written, in lower and upper case, folded,
        and as JSON escapes non-ASCII letters (JSON columns on SQLite)."""
        forms: set[str] = set()
        for text in self.texts:
            for form in (text, text.lower(), text.upper(), fold(text)):
                forms.add(form)
                escaped = json.dumps(form)[1:-1]
                if escaped != form:
                    forms.add(escaped)
        for phone in self.phones:
            forms.update(phone_forms(phone))
        return sorted(forms)


def text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The columns of ``model`` that can hold free text or a copied identifier: text, char and
    JSON fields, without choices (codes) and the primary key."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.choices
        and not f.primary_key
    ]


@dataclass
class ScrubCount:
    """Rows changed per table (``db_table``)."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        if n:
            self.rows[table] = self.rows.get(table, 0) + n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def rows_scrub(
    queryset: models.QuerySet[Any], identifiers: Identifiers, count: ScrubCount
) -> list[Any]:
    """Replace the identifiers in every text and JSON column of the rows of ``queryset``;
    returns the primary keys of the rows changed. Written with ``update`` (no ``save()``)."""
    model = queryset.model
    fields = text_fields(model)
    if not fields or not identifiers:
        return []
    changed: list[Any] = []
    updates: list[tuple[Any, dict[str, Any]]] = []
    names = [f.attname for f in fields]
    for row in queryset.values("pk", *names).iterator(chunk_size=500):
        values: dict[str, Any] = {}
        for f in fields:
            old = row[f.attname]
            if old is None:
                continue
            if isinstance(f, models.JSONField):
                new = identifiers.replace_json(old)
            else:
                new = identifiers.replace(old)
                if new != old and f.unique:
                    new = f"{new} #{row['pk']}"  # a unique column stays unique
                if f.max_length:
                    new = new[: f.max_length]
            if new != old:
                values[f.attname] = new
        if values:
            updates.append((row["pk"], values))
    for pk, values in updates:
        model._base_manager.filter(pk=pk).update(**values)
        changed.append(pk)
    count.add(model._meta.db_table, len(changed))
    return changed


def sweepable_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in _NOT_SWEPT or meta.proxy or not meta.managed:
            continue
        if meta.label_lower == "auth.permission":
            continue
        if text_fields(model):
            yield model


# At most this many ``LIKE`` terms in one query: SQLite refuses a condition deeper than 1000
# ("Expression tree is too large"), and an OR of thousands of terms is slow on PostgreSQL too.
# A person with many complaints has many identifiers (each complaint's representative and
# order reference), each searched in several forms, in every text column of a table.
TERMS_PER_QUERY = 200


def forms_batches(forms: list[str], columns: int) -> Iterator[list[str]]:
    """``forms`` in batches small enough that ``columns`` × a batch stays within
    ``TERMS_PER_QUERY`` (one form per batch when a table has that many columns)."""
    size = max(1, TERMS_PER_QUERY // max(1, columns))
    for start in range(0, len(forms), size):
        yield forms[start : start + size]


def mentioning(model: type[models.Model], forms: list[str]) -> set[Any]:
    """The primary keys of the rows of ``model`` whose text or JSON columns hold one of
    ``forms`` (a JSON column is searched as its text), in as many queries as the batches of
    forms need (``forms_batches``)."""
    fields = text_fields(model)
    annotations: dict[str, Any] = {}
    columns: list[str] = []
    for f in fields:
        column = f.name
        if isinstance(f, models.JSONField):
            column = f"_erasure_{f.name}"
            annotations[column] = Cast(f.name, TextField())
        columns.append(column)
    queryset = model._base_manager.all()
    if annotations:
        queryset = queryset.annotate(**annotations)
    found: set[Any] = set()
    for batch in forms_batches(forms, len(columns)):
        condition = Q()
        for column in columns:
            for form in batch:
                condition |= Q(**{f"{column}__icontains": form})
        found.update(queryset.filter(condition).values_list("pk", flat=True))
    return found


def rows_sweep(identifiers: Identifiers, count: ScrubCount) -> None:
    """Every remaining row of every table (the audit trail aside) that mentions one of the
    identifiers as stored, scrubbed: what the targeted passes did not reach (a quarantined
    email, an admin log line, a note in an investigation)."""
    forms = identifiers.search_forms()
    if not forms:
        return
    for model in sweepable_models():
        found = sorted(mentioning(model, forms))
        for start in range(0, len(found), 500):
            chunk = found[start : start + 500]
            rows_scrub(model._base_manager.filter(pk__in=chunk), identifiers, count)
