"""The portal's routes, mounted at the site's root beside ``/api/v1`` and ``/schema``."""

from __future__ import annotations

from typing import Any

from litestar import Router

from infra.http.errors import EXCEPTION_HANDLERS
from infra.portal import admin, oidc, public, signin, vendor
from infra.portal.rendering import portal_error, speak_the_viewers_language
from infra.settings import Settings


def portal_router(settings: Settings) -> Router:
    handlers: list[Any] = [
        public.home, public.search, public.solicitation,
        signin.sign_out, signin.language,
        vendor.register_page, vendor.register, vendor.my_business, vendor.submit_for_review,
        vendor.bid_page, vendor.submit_bid,
        admin.review_queue, admin.approve, admin.reject,
    ]
    if settings.dev_clock or settings.dev_login:
        handlers += [signin.sign_in_page, signin.sign_in]
    elif settings.oidc_enabled:
        handlers += [signin.sign_in_with_provider]
    if settings.oidc_enabled:
        handlers += [oidc.sign_in_oidc, oidc.sign_in_oidc_callback]
    return Router(path="/", route_handlers=handlers, exception_handlers={kind: portal_error for kind in EXCEPTION_HANDLERS},
                  before_request=speak_the_viewers_language,
                  include_in_schema=False)
