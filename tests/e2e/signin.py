"""Signing in as staff in a browser journey, second factor included.

After the password, a person whose role requires a second factor (or who enrolled one) is sent
to enrolment or to the code page. ``sign_in`` completes either as a person would: it reads the
key shown on the enrolment page, or the person's authenticator from the database, and types the
code an authenticator app would show.
"""

import base64
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from redress.intake.seed import DEMO_PASSWORD

SIGNED_IN = "nav.queues, #site-name, #otp-secret, #id_code"


def _code(key: bytes, last_t: int = -1) -> str:
    totp = TOTP(key, step=30)
    # A code is accepted once: after one used in this time step, type the next step's (the
    # device accepts one step of drift), waiting if even that one was used.
    while totp.t() <= last_t - 1:
        time.sleep(1)
        totp = TOTP(key, step=30)
    if totp.t() <= last_t:
        totp.time = totp.time + 30
    return f"{totp.token():06d}"


def second_factor(page, username):
    """On the enrolment or code page after the password: give the second factor."""
    if page.locator("#otp-secret").count():
        secret = page.locator("#otp-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_code", _code(key))
        page.click("main form button[type=submit].primary")
        page.wait_for_selector("#recovery-codes")
        page.click("#otp-continue")
    elif page.locator("#id_code").count():
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_code", _code(device.bin_key, device.last_t))
        page.click("main form button[type=submit].primary")


def sign_in(page, username, *, url="/staff/login/", done="nav.queues"):
    page.goto(page.base_url + url)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit], input[type=submit]")
    page.wait_for_selector(SIGNED_IN)
    second_factor(page, username)
    page.wait_for_selector(done)
