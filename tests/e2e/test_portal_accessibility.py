"""Every portal page passes axe-core's WCAG 2.2 A/AA rules in Chromium, reflows to 320 px
without sideways scrolling, and can be used with the keyboard with a visible focus.

With REDRESS_SCREENSHOTS=1 the walk also saves the screenshots of docs/screenshots/.
"""

import os
from pathlib import Path

import pytest

from redress.complaints.models import PauseReason, Status
from redress.core.actors import Actor
from redress.handling.services import complaint_assign, complaint_pause
from redress.handling.testing import PATHS, advance, make_team, receive
from redress.portal.testing import portal_content, portal_settings, staff_decides  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("portal_settings", "portal_content"),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe(page):
    """Violations as (rule, impact, first elements); WCAG rules all count, best practices only
    when serious or critical."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (wcag) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: [...wcag, 'best-practice']}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, wcag: v.tags.some(t => wcag.includes(t)),
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""",
        WCAG,
    )
    return [
        (v["id"], v["impact"], v["nodes"])
        for v in violations
        if v["wcag"] or v["impact"] in ("serious", "critical")
    ]


def check(page, name, problems, shot=False):
    """axe at desktop width, then reflow at 320 px; screenshots at 1280 and 375 px."""
    page.set_viewport_size({"width": 1280, "height": 900})
    for violation in axe(page):
        problems.append((name, *violation))
    if shot and os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"portal-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append((name, "reflow-320px", "serious", [f"{overflow}px wider than the screen"]))
    if shot and os.environ.get("REDRESS_SCREENSHOTS"):
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(SHOTS / f"portal-{name}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def open_with_link(page, received):
    page.goto(f"{page.base_url}/vi/track/{received.complaint.reference}/{received.tracking_code}/")


def test_every_portal_page_passes_axe_and_reflows_to_320px(page, settings):
    problems = []
    team = make_team()

    page.goto(page.base_url + "/vi/")
    check(page, "home", problems, shot=True)
    page.goto(page.base_url + "/en/")
    check(page, "home-en", problems, shot=True)

    page.goto(page.base_url + "/vi/complain/")
    check(page, "form", problems, shot=True)
    page.get_by_role("button", name="Gửi khiếu nại").click()
    check(page, "form-errors", problems, shot=True)

    page.get_by_label("Họ và tên người bị ảnh hưởng").fill("Trần Thị Mai")
    page.get_by_label("Email (không bắt buộc)").fill("mai@example.test")
    page.get_by_label("Tóm tắt vấn đề trong vài chữ").fill("Bị tính tiền hai lần")
    page.get_by_label("Chuyện gì đã xảy ra?", exact=True).fill(
        "Tôi bị trừ tiền hai lần cho đơn hàng DH-1001."
    )
    page.get_by_label(
        "Tôi đã đọc cách thông tin cá nhân của tôi được sử dụng và tôi đồng ý"
    ).check()
    page.get_by_role("button", name="Gửi khiếu nại").click()
    page.locator("#tracking-code").wait_for()
    check(page, "receipt", problems, shot=True)

    page.goto(page.base_url + "/vi/track/")
    check(page, "track", problems, shot=True)
    page.get_by_label("Số tham chiếu").fill("KN-1999-000001")
    page.get_by_label("Mã tra cứu").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Xem khiếu nại").click()
    check(page, "track-error", problems)

    received = receive(team, subject="Máy lạnh không chạy")
    open_with_link(page, received)
    check(page, "complaint", problems, shot=True)
    page.get_by_role("button", name="Gửi", exact=True).click()
    check(page, "complaint-reply-error", problems)

    asked = receive(team, subject="Hóa đơn tháng 10 sai")
    handler = Actor.for_user(team.handler)
    complaint_assign(complaint=asked.complaint, actor=handler, owner=team.handler)
    complaint_pause(
        complaint=asked.complaint,
        actor=handler,
        reason=PauseReason.COMPLAINANT,
        note="Xin gửi ảnh hóa đơn tháng 10 và số hợp đồng.",
    )
    open_with_link(page, asked)
    page.locator("#status #information-request form").wait_for()
    check(page, "information-request", problems, shot=True)

    decided = receive(team, subject="Giao hàng trễ hai tuần")
    staff_decides(decided.complaint, team)
    open_with_link(page, decided)
    check(page, "decision", problems, shot=True)
    page.get_by_label("Không, tôi không đồng ý với kết quả").check()
    page.get_by_label("Nếu không đồng ý: vì sao?").fill("Chưa thỏa đáng.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.get_by_role("heading", name="Những nơi khác Quý khách có thể liên hệ").wait_for()
    check(page, "review", problems, shot=True)

    closed = receive(team, subject="Hóa đơn sai")
    complaint = closed.complaint
    for step in PATHS[Status.CLOSED]:
        complaint = advance(complaint, team, step)
    open_with_link(page, closed)
    check(page, "survey", problems, shot=True)
    page.get_by_role("button", name="Gửi đánh giá").click()
    check(page, "survey-error", problems)
    page.get_by_label("4 – hài lòng").first.check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn Quý khách đã đánh giá.").first.wait_for()
    check(page, "survey-thanks", problems)

    settings.REDRESS_PORTAL_TRACK_RATE = "1/900"  # the wrong code above used it up
    page.goto(page.base_url + "/en/track/")
    page.get_by_label("Reference").fill(closed.complaint.reference)
    page.get_by_label("Tracking code").fill(closed.tracking_code)
    page.get_by_role("button", name="Show my complaint").click()
    page.get_by_role("heading", name="Too many attempts").wait_for()
    check(page, "track-limited", problems)

    assert problems == []


def test_keyboard_users_skip_to_the_content_and_see_where_focus_is(page):
    page.goto(page.base_url + "/vi/complain/")
    page.keyboard.press("Tab")
    skip = page.evaluate(
        "[document.activeElement.textContent.trim(), document.activeElement.getBoundingClientRect().left]"
    )
    assert skip == ["Đi tới nội dung chính", 0]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab on to the first radio button of the form and check its focus is drawn.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert style[0] != "none" and style[1] != "0px"
    # Space picks a radio, as with any native control.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "other"


def test_the_checker_is_not_blind(page):
    """The same check reports a page with an unlabelled field, no language and tiny grey text."""
    page.set_content(
        '<html><body><main><input type="text"><p style="color:#bbb;background:#fff">Chữ xám nhạt rất khó đọc</p></main></body></html>'
    )
    found = {rule for rule, _impact, _nodes in axe(page)}
    assert {"label", "html-has-lang", "color-contrast"} <= found
