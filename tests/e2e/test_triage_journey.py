"""A frontline clerk logs a phone complaint in Chromium: as the subject and description are
typed, triage suggests a category learned from the organisation's closed complaints; the clerk
accepts it into the form (nothing is applied before that), registers the complaint, and what
was suggested and chosen is recorded.

With REDRESS_SCREENSHOTS=1 the intake form with its suggestions is saved to docs/screenshots/.
"""

import pytest

from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.intake.seed import demo_organisation
from redress.triage import selectors
from redress.triage.models import SuggestionOutcome
from redress.triage.services import triage_train
from redress.triage.testing import closed_complaints
from tests.e2e.shots import shot
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    selectors._LOADED.clear()


def test_a_clerk_sees_and_accepts_a_suggested_category(page):
    demo_organisation()
    vocab, _rows = closed_complaints(250)
    assert triage_train(actor=Actor.system("triage")).is_active
    delivery = vocab.categories["delivery"]

    sign_in(page, "tiepnhan")
    page.goto(page.base_url + "/staff/intake/")
    page.fill("#id_full_name", "Trần Văn Bình")
    page.fill("#id_phone", "0987654321")
    page.fill("#id_subject", "Kiện hàng bị thất lạc")
    page.fill("#id_description", "Shipper không giao hàng, tôi chờ đã một tuần.")
    page.locator("#id_description").press("Tab")  # leaving the field asks for suggestions
    # Leaving the subject asked too: the panel settles once no question is in flight (htmx
    # marks the panel while it asks, and the last question replaces any earlier one).
    page.wait_for_function(
        "() => { const t = document.querySelector('#triage');"
        " return t && !t.classList.contains('htmx-request')"
        " && t.querySelector('[data-triage-accept]'); }"
    )
    button = page.locator(
        f'[data-triage-accept][data-field="category"][data-value="{delivery.pk}"]'
    )
    button.wait_for()
    assert delivery.name_vi in page.locator(".triage-suggestions").inner_text()
    # Shown, not applied: the category is still empty until the clerk accepts.
    assert page.locator("#id_category").input_value() == ""
    page.locator(".triage-suggestions").scroll_into_view_if_needed()
    shot(page, "triage-intake")
    button.click()
    assert page.locator("#id_category").input_value() == str(delivery.pk)
    assert button.get_attribute("aria-pressed") == "true"

    page.click("form.intake button[type=submit]")
    page.wait_for_url("**/done/")
    complaint = Complaint.objects.get(channel="phone")
    assert complaint.category_id == delivery.pk
    outcome = SuggestionOutcome.objects.get(complaint=complaint, field="category")
    assert outcome.accepted and outcome.source == "model"
