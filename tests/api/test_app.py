"""The HTTP app over a real store: health and search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from index.build import ingest
from index.embed import Embedder
from tests.conftest import MODEL_CACHE


@pytest.fixture(scope="module")
def client(seeds: Path, real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("app")
    ingest([seeds], data_dir, real_embedder)
    with TestClient(create_app(Settings(data_dir=data_dir, model_cache=MODEL_CACHE))) as test_client:
        yield test_client


def test_health_reports_the_store(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["articles"] == 3


def test_search_returns_cited_passages(client: TestClient) -> None:
    response = client.get("/search", params={"q": "Why won't Dorothy Stewart vote Labour?", "k": 2})
    assert response.status_code == 200
    first = response.json()["hits"][0]
    assert "The bins are a problem" in first["text"] and first["published"] == "2018-05-05"


def test_search_refuses_an_empty_query(client: TestClient) -> None:
    assert client.get("/search", params={"q": ""}).status_code == 422


def test_an_app_without_a_store_starts_and_says_why_it_cannot_answer(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, model_cache=MODEL_CACHE))) as bare:
        response = bare.get("/health")
        assert response.status_code == 503 and "hustings ingest" in response.json()["detail"]
        assert bare.get("/search", params={"q": "x"}).status_code == 503
