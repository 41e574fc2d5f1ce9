# hustings on CPU: `docker build -t hustings .` then `docker run -p 8000:8000 -v hustings-data:/data hustings`.
# The builder exports the int8 ONNX model with torch; the runtime carries the model and a virtualenv without torch.
# No Docker engine ran where this was written: tests/deploy/check_image_stages.sh reproduces both stages in
# virtualenvs (see README, Deploy).
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1
WORKDIR /src
COPY requirements/ requirements/
# The runtime's virtualenv: the runtime pins only (no torch, no sentence-transformers).
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements/runtime.lock
# A second virtualenv, left in this stage, exports the model: torch from PyTorch's CPU index, not the CUDA build.
RUN python -m venv /opt/export \
    && /opt/export/bin/pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && /opt/export/bin/pip install --no-cache-dir -r requirements/export.lock
COPY pyproject.toml README.md LICENSE ./
COPY corpus/ corpus/
COPY index/ index/
COPY bot/ bot/
COPY api/ api/
COPY deploy/ deploy/
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps . && /opt/export/bin/pip install --no-cache-dir --no-deps .
# Every int8 variant of the target architecture, so the image runs at its best on whichever CPU it lands on.
ARG TARGETARCH
RUN if [ "$TARGETARCH" = "arm64" ]; then set -- arm64; else set -- avx2 avx512 avx512_vnni; fi \
    && /opt/export/bin/python deploy/export_models.py /opt/models "$@"

FROM ${PYTHON_IMAGE} AS runtime
# A numeric user, so that Kubernetes' runAsNonRoot can check it; a named volume on /data starts owned by it.
RUN groupadd --system --gid 10001 hustings \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/hustings hustings \
    && mkdir /data && chown 10001:10001 /data
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /opt/models /opt/models
COPY deploy/entrypoint.sh /usr/local/bin/hustings-entrypoint
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HUSTINGS_DATA_DIR=/data \
    HUSTINGS_MODEL_CACHE=/opt/models \
    HUSTINGS_HOST=0.0.0.0 \
    HUSTINGS_PORT=8000
USER 10001:10001
WORKDIR /home/hustings
VOLUME /data
EXPOSE 8000
# /health answers 503 until the store can answer; urlopen raises on it, so the check fails. No curl needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HUSTINGS_PORT'] + '/health', timeout=4)"]
ENTRYPOINT ["hustings-entrypoint"]
