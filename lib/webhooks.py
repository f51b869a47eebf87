"""The optional Meta webhook receiver: `python -m lib.webhooks` (its own port, behind HTTPS).

A small Starlette app served by uvicorn. `GET /webhooks/meta` answers Meta's subscription check
(`hub.mode=subscribe`, `hub.verify_token`, echo `hub.challenge`); `POST /webhooks/meta` accepts a
delivery only when `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body with the app secret,
then stores it through the same store step as polling (`lib.sync.store`). Polling
alone still gives correct counts; the webhook only brings items in sooner (and Instagram
@mentions in other people's posts, which Meta delivers only this way).

Settings: `PANTAU_META_APP_SECRET`, `PANTAU_META_VERIFY_TOKEN`, `PANTAU_META_WEBHOOK_HOST`
(default 127.0.0.1: put a TLS reverse proxy in front), `PANTAU_META_WEBHOOK_PORT` (default 8601).
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging

import requests
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from lib import sync
from lib.config import setting
from lib.db import get_engine, session_scope
from lib.models import Account
from lib.sources.meta import MetaWebhookSource
from lib.sources.meta_webhook import SIGNATURE_HEADER, WebhookEvent, parse_delivery, signature_ok

log = logging.getLogger("pantau.webhooks")
PATH = "/webhooks/meta"
MAX_BODY = 1_000_000  # Meta batches up to 1,000 changes; far below a megabyte


def create_app(engine: Engine, app_secret: str, verify_token: str) -> Starlette:
    if not app_secret or not verify_token:
        raise RuntimeError("Penerima webhook Meta butuh PANTAU_META_APP_SECRET dan PANTAU_META_VERIFY_TOKEN")

    async def subscribe(request: Request) -> Response:
        q = request.query_params
        if q.get("hub.mode") == "subscribe" and hmac.compare_digest(q.get("hub.verify_token", ""), verify_token):
            return PlainTextResponse(q.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def deliver(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        if not signature_ok(app_secret, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("webhook delivery refused: bad or missing signature")
            return PlainTextResponse("bad signature", status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return PlainTextResponse("bad json", status_code=400)
        events = parse_delivery(payload)
        new = await run_in_threadpool(_store, engine, events)  # database work off the event loop
        log.info("webhook delivery: %d events, %d new mentions", len(events), new)
        return PlainTextResponse("EVENT_RECEIVED")

    return Starlette(routes=[Route(PATH, subscribe, methods=["GET"]), Route(PATH, deliver, methods=["POST"])])


def _store(engine: Engine, events: list[WebhookEvent]) -> int:
    with session_scope(engine) as s:
        return store_events(s, events)


def store_events(session: Session, events: list[WebhookEvent], http: requests.Session | None = None) -> int:
    """Store a delivery through the same store step as polling (`lib.sync.store`), one batch per
    account; returns how many new mentions. Events for accounts we do not know are ignored."""
    source = MetaWebhookSource(http=http)
    grouped: dict[tuple[str, str], list[WebhookEvent]] = {}
    for event in events:
        grouped.setdefault((event.platform, event.owner_id), []).append(event)
    new = 0
    for (platform, owner), group in grouped.items():
        account = session.scalar(select(Account).where(Account.platform == platform,
                                                       Account.platform_user_id == owner, Account.active))
        if account is None:
            continue
        new += sync.store(session, source, account, source.read_delivery(session, account, group)).new_mentions
    return new


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m lib.webhooks", description="Penerima webhook Meta.")
    parser.add_argument("--host", default=setting("meta_webhook_host", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(setting("meta_webhook_port", "8601") or 8601))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(get_engine(), setting("meta_app_secret") or "", setting("meta_verify_token") or "")
    # proxy_headers: the TLS proxy in front says who the client was; access log without query strings
    # would be nicer, but Meta's GET check carries only the verify token we compare, never a secret of ours.
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
