"""Import benchmark: N complaints from a CSV through ``redress import complaints``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_bench_import \
        uv run python bench/import_complaints.py --rows 100000

Creates the database's tables if needed and the demo organisation (units, categories), writes a
CSV of realistic Vietnamese and English complaints (with Vietnamese headers, as an operator's
spreadsheet would have them), then runs the import command as an operator would, with its
progress bar, and times it. It imports the same file a second time to show that nothing new is
created, and checks that references are gap-free and every complaint has its event and audit
entry. Figures go to bench/import.md by hand.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

HEADERS = [
    "Họ tên",
    "Email",
    "Điện thoại",
    "Địa chỉ",
    "Tiêu đề",
    "Nội dung",
    "Ngày nhận",
    "Kênh",
    "Danh mục",
    "Đơn vị",
    "Số tiền",
    "Mã đơn hàng",
]


def make_csv(path: Path, rows: int, seed: int = 10002) -> None:
    import django

    django.setup()
    from redress.core.text import fold
    from redress.intake.seed import FAMILY, GIVEN, MIDDLE, PLACES, STREETS, TOPICS

    rng = random.Random(seed)  # noqa: S311
    channels = ["email", "điện thoại", "web", "trực tiếp", "thư"]
    units = ["care", "hanoi", "hcm", "tech"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            topic = rng.choice(TOPICS)
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            login = fold(name).replace(" ", ".")
            day = rng.randrange(1, 29)
            month = rng.randrange(1, 11)
            writer.writerow(
                [
                    name,
                    f"{login}{n}@example.vn",
                    f"09{rng.randrange(10**8):08d}",
                    f"{rng.randrange(1, 400)} {rng.choice(STREETS)}, {rng.choice(PLACES)}",
                    topic[1],
                    f"{topic[2]} (dòng {n + 2})",
                    f"{day:02d}/{month:02d}/2026 {rng.randrange(8, 17):02d}:{rng.randrange(60):02d}",
                    rng.choice(channels),
                    topic[0],
                    rng.choice(units),
                    str(rng.randrange(1, 400) * 50_000) if rng.random() < 0.6 else "",
                    f"DH{rng.randrange(10**7):07d}" if rng.random() < 0.7 else "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (the target is measured on PostgreSQL).")
    run = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*run, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT)
    subprocess.run(
        [
            *run,
            "shell",
            "-c",
            "from redress.intake.seed import demo_organisation; demo_organisation()",
        ],
        check=True,
        cwd=ROOT,
    )
    path = ROOT / "var" / f"import-{args.rows}.csv"
    path.parent.mkdir(exist_ok=True)
    started = time.monotonic()
    make_csv(path, args.rows)
    print(
        f"wrote {path.name}: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s"
    )

    for attempt in ("first import", "same file again"):
        started = time.monotonic()
        subprocess.run([*run, "import", "complaints", str(path)], check=True, cwd=ROOT)
        print(
            f"== {attempt}: {time.monotonic() - started:.1f} s wall clock (process start included)"
        )

    check = (
        "from redress.complaints.models import Complaint, ComplaintEvent;"
        "from redress.audit.models import AuditEntry;"
        "from redress.intake.models import IntakeKey;"
        "imported = Complaint.objects.filter(source_system__startswith='import:');"
        "print('complaints imported:', imported.count());"
        "print('receive events:', ComplaintEvent.objects.filter(complaint__in=imported, action='receive').count());"
        "print('audit entries:', AuditEntry.objects.filter(action='complaint.receive', target_id__in=[str(i) for i in imported.values_list('pk', flat=True)]).count());"
        "print('row keys:', IntakeKey.objects.filter(scope='import').count());"
        "nums=sorted(int(r.rsplit('-',1)[1]) for r in Complaint.objects.filter(reference__contains='-2026-').values_list('reference', flat=True));"
        "print('2026 references gap-free:', nums == list(range(1, len(nums) + 1)));"
    )
    subprocess.run([*run, "shell", "-c", check], check=True, cwd=ROOT)
    subprocess.run([*run, "audit", "verify"], check=False, cwd=ROOT)


if __name__ == "__main__":
    main()
