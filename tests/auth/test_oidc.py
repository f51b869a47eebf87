"""OIDC (st.login) identities map to local user rows for role and unit; no row, no entry."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.auth import LoginRefused, oidc_provider, principal_for_email
from lib.db import session_scope
from lib.models import AuditEntry
from lib.users import create_user, set_active


def test_email_maps_to_the_users_role_and_unit(registry):
    with session_scope(registry) as s:
        create_user(s, "test", "kapolsek", "pimpinan", unit_code="POLSEK-CILEDUG", email="Kapolsek@Polri.go.id")
    with session_scope(registry) as s:
        p = principal_for_email(s, "kapolsek@polri.GO.ID", True)
    assert (p.name, p.role, p.scope.label) == ("kapolsek", "pimpinan", "Polsek Ciledug")


def test_unknown_unverified_missing_or_inactive_email_is_refused(registry):
    with session_scope(registry) as s:
        user = create_user(s, "test", "kapolsek", "pimpinan", unit_code="POLSEK-CILEDUG", email="k@polri.go.id")
    for email, verified in (("orang@lain.id", True), ("k@polri.go.id", False), (None, True)):
        with pytest.raises(LoginRefused), session_scope(registry) as s:
            principal_for_email(s, email, verified)
    with session_scope(registry) as s:
        set_active(s, "test", user.id, False)
    with pytest.raises(LoginRefused, match="belum terdaftar"), session_scope(registry) as s:
        principal_for_email(s, "k@polri.go.id", True)
    with session_scope(registry) as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.outcome == "denied")) is not None


def test_oidc_is_configured_only_by_a_complete_auth_section():
    assert oidc_provider({}) == (False, None)
    base = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32}
    assert oidc_provider(base) == (False, None)
    assert oidc_provider(base | {"client_id": "c", "client_secret": "x",
                                 "server_metadata_url": "https://idp/.well-known/openid-configuration"}) == (True, None)
    assert oidc_provider(base | {"keycloak": {"client_id": "c"}}) == (True, "keycloak")
