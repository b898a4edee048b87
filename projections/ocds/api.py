"""Public open-data routes: release and record packages (OCDS 1.1.5), no token needed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from asyncpg import Pool
from litestar import Controller, MediaType, Request, get
from litestar.params import Parameter

from infra.http.errors import error_responses
from kernel.errors import NotFound, field_error
from projections.ocds import packages, queries

Page = Annotated[int, Parameter(ge=1, le=1_000_000, description="1 for the first page")]
ReleasesPerPage = Annotated[int, Parameter(ge=1, le=1000, description="releases per page")]
RecordsPerPage = Annotated[int, Parameter(ge=1, le=200, description="records per page")]
Since = Annotated[datetime | None, Parameter(description="releases dated at or after (ISO 8601)")]
Until = Annotated[datetime | None, Parameter(description="releases dated before (ISO 8601)")]


def _next_uri(request: Request[Any, Any, Any], page: int) -> str:
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return f"{str(request.url).split('?', 1)[0]}?{urlencode({**query, 'page': page + 1})}"


class OcdsController(Controller):
    path = "/ocds"
    tags = ["open data"]
    security = [{}]  # public: the feed is for anyone

    @get(
        "/releases",
        media_type=MediaType.JSON,
        summary="Release package: every public change, oldest first",
        description="Paged; `links.next` names the following page. A page with no release is 404.",
        responses=error_responses(404, 422),
    )
    async def releases(
        self,
        pool: Pool,
        request: Request[Any, Any, Any],
        since: Since = None,
        until: Until = None,
        page: Page = 1,
        per_page: ReleasesPerPage = 100,
    ) -> dict[str, Any]:
        for name, moment in (("since", since), ("until", until)):
            if moment is not None and moment.utcoffset() is None:
                raise field_error(name, "needs a UTC offset, e.g. 2026-01-31T00:00:00Z")
        if since and until and until <= since:
            raise field_error("until", "must be after since")
        found = await queries.release_page(
            pool, since=since, until=until, page=page, per_page=per_page
        )
        if not found.items:
            raise NotFound("no releases on this page", code="no_releases")
        return packages.release_package(
            str(request.url), found.items, next_uri=_next_uri(request, page) if found.more else None
        )

    @get(
        "/releases/{release_id:str}",
        media_type=MediaType.JSON,
        summary="One release, in a release package",
        responses=error_responses(404),
    )
    async def release(
        self, pool: Pool, request: Request[Any, Any, Any], release_id: str
    ) -> dict[str, Any]:
        found = await queries.release(pool, release_id)
        if found is None:
            raise NotFound(f"release {release_id} not found")
        return packages.release_package(str(request.url), [found])

    @get(
        "/records",
        media_type=MediaType.JSON,
        summary="Record package: contracting processes, compiled",
        description="Paged in the order processes were published; `links.next` names the following page.",
        responses=error_responses(404, 422),
    )
    async def records(
        self,
        pool: Pool,
        request: Request[Any, Any, Any],
        page: Page = 1,
        per_page: RecordsPerPage = 50,
    ) -> dict[str, Any]:
        found = await queries.ocid_page(pool, page=page, per_page=per_page)
        if not found.items:
            raise NotFound("no records on this page", code="no_records")
        by_ocid = await queries.releases_by_ocid(pool, found.items)
        records = [packages.record(ocid, by_ocid[ocid]) for ocid in found.items]
        return packages.record_package(
            str(request.url), records, next_uri=_next_uri(request, page) if found.more else None
        )

    @get(
        "/records/{ocid:str}",
        media_type=MediaType.JSON,
        summary="The record of one contracting process",
        responses=error_responses(404),
    )
    async def record(
        self, pool: Pool, request: Request[Any, Any, Any], ocid: str
    ) -> dict[str, Any]:
        releases = await queries.releases_of(pool, ocid)
        if not releases:
            raise NotFound(f"no contracting process {ocid}")
        return packages.record_package(str(request.url), [packages.record(ocid, releases)])
