"""The source registry: every platform module registers itself; sync and the page iterate it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from lib import sync
from lib.config import load_settings
from lib.db import session_scope
from lib.models import Account, Mention
from lib.sources import registry as sources
from lib.sources.base import Batch, MentionRecord, Source
from lib.sources.demo import DemoSource
from lib.sources.x import XSource
from tests.conftest import NOW


def test_every_source_module_registers_itself():
    specs = {spec.name: spec for spec in sources.all_specs()}
    assert {"demo", "x"} <= set(specs)
    assert specs["x"].admin_panel == "x" and specs["x"].platforms == ("x",)
    assert [s.name for s in sources.all_specs()][:2] == ["demo", "x"]  # sync order


def test_enabled_sources_follow_the_settings(monkeypatch):
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", "token-for-tests")
    settings = load_settings()
    built = sources.build_enabled(settings)
    assert [type(s) for s in built] == [DemoSource, XSource]
    assert [s.name for s in sources.build_enabled(settings, page_load=True)] == ["demo"]  # X: the worker's
    monkeypatch.setenv("PANTAU_X_SYNC_ON_PAGE_LOAD", "1")
    assert [s.name for s in sources.build_enabled(load_settings(), page_load=True)] == ["demo", "x"]
    assert sources.build_enabled(settings) is not built and sources.build_enabled(settings)[1] is not built[1]
    x = sources.get("x")
    assert x.budget(settings).monthly_reads == 10_000 and x.budget(settings).price_per_post == 0.005


class ChatSource(Source):
    """A new platform: one class and one `register` call, no edit to sync or the pages."""

    name = "chat"
    platforms = ("line",)

    def fetch(self, session, account: Account, cursor):
        return Batch(mentions=[MentionRecord(f"chat-{account.handle}", "halo pak, ada begal", NOW)], cursor="1")


def test_a_registered_platform_is_synced_without_other_edits(registry, monkeypatch):
    monkeypatch.setattr(sources, "_SPECS", dict(sources._SPECS))
    sources.register(sources.SourceSpec(
        name="chat", label="Chat", platforms=("line",), build=lambda settings: ChatSource()))
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "0")
    with session_scope(registry) as s:
        unit_id = s.scalar(select(Account.unit_id).limit(1))
        s.add(Account(unit_id=unit_id, platform="line", handle="polsek-line", active=True))
    result = sync.maybe_sync(registry, load_settings(), force=True)
    assert result.status == "ran" and result.new_mentions == 1
    with session_scope(registry) as s:
        assert s.scalar(select(func.count(Mention.id)).where(Mention.platform == "line")) == 1


def test_now_is_aware():
    assert DemoSource(now=NOW).now().tzinfo is not None and isinstance(DemoSource().now(), datetime)
