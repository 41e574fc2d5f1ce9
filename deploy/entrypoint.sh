#!/bin/sh
# The image's start: serve the store in $HUSTINGS_DATA_DIR, ingesting the bundled sample first when it holds none,
# so that `docker run -p 8000:8000 -v hustings-data:/data hustings` answers at once. Arguments go to `hustings serve`.
set -eu
data="${HUSTINGS_DATA_DIR:-var}"
if [ ! -e "$data/CURRENT" ] && [ ! -e "$data/hustings.duckdb" ]; then
  sample=$(python -c 'from importlib import resources; print(resources.files("corpus") / "sample")')
  echo "hustings: no store in $data yet, ingesting the bundled sample from $sample" >&2
  hustings ingest "$sample/articles" --results "$sample"/results/*.csv
fi
exec hustings serve "$@"
