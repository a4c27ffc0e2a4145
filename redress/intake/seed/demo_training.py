"""The demo's competence records (ISO 10002 4.14): two courses the handler role needs and the
demo handlers trained in both, so that the training gate lets them own complaints; one of them
is due to renew within the notice period, to show "expiring soon" and its notice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.framework.models import Course
from redress.framework.services.training import course_create, training_record_add

DEMO_COURSES = [
    # code, name (vi), name (en), valid for months (None: never expires)
    ("iso-10002", "Xử lý khiếu nại theo ISO 10002", "Complaints handling per ISO 10002", 12),
    ("du-lieu-ca-nhan", "Bảo vệ dữ liệu cá nhân", "Personal data protection", None),
]
# Days before today each demo handler completed the courses.
DEMO_TRAINED = {"xuly": 200, "xuly2": 350}


def demo_training(users: dict[str, User]) -> None:
    """Create the demo courses and records once (a second run changes nothing)."""
    system = Actor.system("demo")
    courses = []
    for code, name, name_en, months in DEMO_COURSES:
        course = Course.objects.filter(code=code).first() or course_create(
            actor=system,
            code=code,
            name=name,
            name_en=name_en,
            valid_months=months,
            roles=[Role.HANDLER],
        )
        courses.append(course)
    today = timezone.localdate()
    for username, days_ago in DEMO_TRAINED.items():
        person = users.get(username)
        if person is None:
            continue
        for course in courses:
            if not person.training_records.filter(course=course).exists():
                training_record_add(
                    actor=system,
                    user=person,
                    course=course,
                    completed_on=today - dt.timedelta(days=days_ago),
                    note="Dữ liệu mẫu",
                )
