"""Short messages to complainants' phones: SMS through HTTP gateways and Zalo notifications.

- ``gateways``: one adapter per kind of gateway (generic HTTP, eSMS.vn, SpeedSMS, Zalo ZNS): the
  request it sends, how it reads the answer, its delivery reports and inbound messages, and how
  a callback is verified;
- ``text``: phone numbers, unaccented Vietnamese, the length of an SMS;
- ``outbox``: queueing, delivering with retries, delivery reports, the fallback to email and
  switching a failing channel off;
- ``routing``: which way each message to the complainant goes (their preferred channel, else a
  fallback, recorded);
- ``setup``: channels configured by administrators (credentials sealed), and the test send.

docs/channels.md explains how to connect a gateway.
"""
