"""Built-in presets: the default calendar, the time-limit policies of issue 5 and ISO10002.md
§5.4, and the default escalation levels. Editable in the admin afterwards."""

import datetime

from django.db import migrations

CALENDAR_NAME = "Giờ hành chính Việt Nam"

# code, rank, active, statutory, conditions, targets {stage: (amount, unit)}, near-due %, names
POLICIES = [
    {
        "code": "urgent",
        "rank": 10,
        "name": "Khẩn cấp / an toàn, sức khỏe",
        "name_en": "Urgent / health and safety",
        "description": "Urgent priority, and every health or safety risk: hours, not days.",
        "conditions": {"priorities": ["urgent"]},
        "targets": {
            "acknowledge": (2, "working_hours"),
            "assess": (4, "working_hours"),
            "decision": (3, "working_days"),
            "close": (10, "working_days"),
        },
    },
    {
        "code": "vulnerable",
        "rank": 20,
        "name": "Người tiêu dùng dễ bị tổn thương",
        "name_en": "Vulnerable consumer",
        "description": "Law 19/2023 Art. 8: requests of vulnerable consumers are handled with priority.",
        "conditions": {"vulnerable": True},
        "targets": {
            "acknowledge": (4, "working_hours"),
            "assess": (1, "working_days"),
            "decision": (5, "working_days"),
            "close": (15, "working_days"),
        },
    },
    {
        "code": "vn-negotiation",
        "rank": 30,
        "statutory": True,
        "name": "Yêu cầu thương lượng (Luật 19/2023, Điều 57)",
        "name_en": "Consumer negotiation request (Law 19/2023 Art. 57)",
        "description": "Receive and negotiate within 07 working days of receipt. Set by law: cannot be relaxed.",
        "conditions": {"negotiation_request": True},
        "targets": {
            "acknowledge": (1, "working_days"),
            "assess": (2, "working_days"),
            "decision": (7, "working_days"),
            "close": (30, "working_days"),
        },
    },
    {
        "code": "uk-fca",
        "rank": 40,
        "active": False,
        "name": "Vương quốc Anh: FCA DISP 1.6",
        "name_en": "UK: FCA DISP 1.6",
        "description": "Final response within 8 weeks of receipt (clock time). Use with a UK calendar.",
        "conditions": {},
        "targets": {
            "acknowledge": (1, "working_days"),
            "assess": (3, "working_days"),
            "decision": (8 * 7 * 24, "hours"),
            "close": (8 * 7 * 24, "hours"),
        },
    },
    {
        "code": "au-rg271",
        "rank": 50,
        "active": False,
        "name": "Úc: ASIC RG 271",
        "name_en": "Australia: ASIC RG 271",
        "description": "Acknowledge within 1 business day; IDR response within 30 calendar days (clock time).",
        "conditions": {},
        "targets": {
            "acknowledge": (1, "working_days"),
            "assess": (5, "working_days"),
            "decision": (30 * 24, "hours"),
            "close": (30 * 24, "hours"),
        },
    },
    {
        "code": "iso-default",
        "rank": 1000,
        "name": "Mặc định ISO 10002",
        "name_en": "ISO 10002 default",
        "description": "Acknowledge within 1 working day (7.4); used when no other policy matches.",
        "conditions": {},
        "targets": {
            "acknowledge": (1, "working_days"),
            "assess": (3, "working_days"),
            "decision": (15, "working_days"),
            "close": (30, "working_days"),
        },
    },
]

LEVELS = [
    # level, audience, near-due, breach, working hours after the deadline
    (1, "owner", True, True, 0),
    (2, "unit_managers", False, True, 0),
    (3, "organisation_managers", False, True, 8),
]


def create(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    EscalationLevel = apps.get_model("sla", "EscalationLevel")
    if not BusinessCalendar.objects.filter(is_default=True).exists():
        BusinessCalendar.objects.get_or_create(
            name=CALENDAR_NAME,
            defaults={
                "is_default": True,
                "time_zone": "Asia/Ho_Chi_Minh",
                "country": "VN",
                "working_weekdays": "0,1,2,3,4",
                "day_start": datetime.time(8),
                "lunch_start": datetime.time(12),
                "lunch_end": datetime.time(13),
                "day_end": datetime.time(17),
            },
        )
    for preset in POLICIES:
        fields = {
            "rank": preset["rank"],
            "name": preset["name"],
            "name_en": preset["name_en"],
            "description": preset["description"],
            "is_active": preset.get("active", True),
            "is_statutory": preset.get("statutory", False),
            **preset["conditions"],
        }
        for stage, (amount, unit) in preset["targets"].items():
            fields[f"{stage}_amount"] = amount
            fields[f"{stage}_unit"] = unit
        SlaPolicy.objects.update_or_create(code=preset["code"], defaults=fields)
    for level, audience, near_due, breach, after in LEVELS:
        EscalationLevel.objects.get_or_create(
            level=level,
            defaults={"audience": audience, "near_due": near_due, "breach": breach, "after_hours": after},
        )


def remove(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(code__in=[p["code"] for p in POLICIES]).delete()
    apps.get_model("sla", "EscalationLevel").objects.filter(level__in=[lvl[0] for lvl in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_clocks_and_policies")]

    operations = [migrations.RunPython(create, remove)]
