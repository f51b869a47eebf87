"""Alerts and scheduled delivery: detectors (lib/alerts/detect.py) say what is alert-worthy, events
(lib/alerts/events.py) make each condition one event with one delivery per subscriber, the outbox
(lib/alerts/outbox.py) sends them through Telegram and SMTP (lib/alerts/channels.py), rate-limited,
audited and retried. `python -m lib.alerts [--loop]` runs it."""
