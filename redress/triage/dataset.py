"""A generated bilingual (Vietnamese and English) set of complaints with a known structure, for
the tests and the benchmark: each category has its own phrases, its product and unit follow from
it, the priority from words of urgency, the health or safety flag from words of harm; shared
filler, personal details (names, phones, emails) and unaccented typing add the noise.

A perfect learner reaches about 100% on the category; the tests ask for a stated accuracy."""

from __future__ import annotations

import random
from dataclasses import dataclass

# category code → (product code, unit code, Vietnamese phrases, English phrases)
CATEGORIES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "billing": (
        "invoice",
        "finance",
        ("hoá đơn tính sai tiền", "bị trừ tiền hai lần", "phí dịch vụ cao bất thường"),
        ("charged twice on my bill", "the invoice amount is wrong", "unexpected service fee"),
    ),
    "delivery": (
        "shipping",
        "logistics",
        ("giao hàng chậm một tuần", "shipper không giao hàng", "kiện hàng bị thất lạc"),
        ("the parcel never arrived", "delivery was a week late", "courier lost my package"),
    ),
    "quality": (
        "appliance",
        "quality",
        ("sản phẩm bị hỏng sau hai ngày", "máy không hoạt động", "hàng kém chất lượng"),
        ("the product broke after two days", "the machine does not work", "poor quality item"),
    ),
    "staff": (
        "store",
        "retail",
        ("nhân viên thái độ thô lỗ", "nhân viên cửa hàng quát mắng", "bị nhân viên xúc phạm"),
        ("the staff were rude", "a shop assistant shouted at me", "insulted by an employee"),
    ),
    "network": (
        "internet",
        "technical",
        ("mạng internet bị mất kết nối", "wifi chập chờn cả ngày", "tốc độ mạng rất chậm"),
        ("the internet connection keeps dropping", "wifi is down all day", "very slow broadband"),
    ),
}
URGENT = (("khẩn cấp", "cần xử lý ngay"), ("urgent", "please act immediately"))
HARM = (("bị bỏng", "nguy hiểm cháy nổ", "bị điện giật"), ("burned my hand", "fire hazard"))
FILLER = (
    ("Tôi rất thất vọng.", "Mong công ty phản hồi sớm.", "Đây là lần thứ hai.", "Xin cảm ơn."),
    ("I am very disappointed.", "Please reply soon.", "This is the second time.", "Thank you."),
)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "John Smith", "Phạm Thu Hà")


@dataclass(frozen=True)
class Example:
    subject: str
    description: str
    language: str
    category: str
    product: str
    unit: str
    priority: str
    health_safety: bool

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.description}"


def _unaccented(text: str) -> str:
    from redress.core.text import fold

    return fold(text)


def examples(n: int, *, seed: int = 7) -> list[Example]:
    """``n`` complaints, about half in each language, drawn reproducibly from ``seed``."""
    rng = random.Random(seed)
    codes = sorted(CATEGORIES)
    result = []
    for i in range(n):
        code = codes[i % len(codes)] if i < len(codes) else rng.choice(codes)
        product, unit, vi, en = CATEGORIES[code]
        lang = 0 if rng.random() < 0.5 else 1
        phrases = vi if lang == 0 else en
        urgent = rng.random() < 0.2
        harm = code == "quality" and rng.random() < 0.3
        parts = [rng.choice(phrases)]
        if urgent:
            parts.append(rng.choice(URGENT[lang]))
        if harm:
            parts.append(rng.choice(HARM[lang]))
        parts.extend(rng.sample(FILLER[lang], 2))
        name = rng.choice(NAMES)
        contact = f"{name}, 09{rng.randrange(10**7, 10**8)}, kh{i}@example.com"
        description = " ".join(parts) + f" {contact}"
        if lang == 0 and rng.random() < 0.25:
            description = _unaccented(description)  # typed without diacritics
        subject = parts[0].capitalize()
        priority = "urgent" if harm else "high" if urgent else "normal"
        result.append(
            Example(
                subject=subject,
                description=description,
                language="vi" if lang == 0 else "en",
                category=code,
                product=product,
                unit=unit,
                priority=priority,
                health_safety=harm,
            )
        )
    return result
