"""Error replies: one JSON shape (`Problem`) for every 4xx and 5xx, carrying the request id, and its OpenAPI text."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from api.schemas import Problem

WHY: dict[int, str] = {
    400: "The body is not valid JSON, or a Slack request is malformed",
    401: "The API key is missing or wrong, or a Slack request is not signed with this app's secret",
    413: "The request body is larger than this server accepts",
    422: "The message or session id is unusable (empty, too long, not text), or a field is wrong",
    429: "Too many requests (or failed API keys) from this client: wait the seconds Retry-After says",
    500: "Answering failed; quote the request id when reporting it",
    503: "The store or index is not ready, or the Slack app is not configured",
}


def problem_response(status: int, detail: str, request_id: str | None, headers: dict[str, str] | None = None
                     ) -> JSONResponse:
    """A Problem as a JSON response."""
    return JSONResponse(Problem(detail=detail, request_id=request_id).model_dump(), status_code=status,
                        headers=headers)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each status with the Problem body it carries."""
    return {status: {"model": Problem, "description": WHY[status]} for status in statuses}
