"""Tune the router's refusal threshold on a held-out split of the labelled questions.

Run with `make bench-router`. Trains on 80% of bot/router_questions.yaml (seeded shuffle), then, on the
other 20%, prints the classifier's accuracy and, for each candidate threshold on P(none), the accuracy of
"refuse when P(none) >= t, else the best other route". The bot's REFUSE_AT should sit where this peaks.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from functools import partial
from pathlib import Path

import numpy as np

from bot.gazetteer import Gazetteer
from bot.router import ROUTES, Router, features, load_labelled_questions
from bot.understand import understand
from corpus.results import import_results
from corpus.store import Store
from index.embed import Embedder
from tests.bench.record import write_result
from tests.helpers import PUBLIC_FILES

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    """Split, train, and print held-out accuracy per threshold."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    labelled = load_labelled_questions()
    random.Random(args.seed).shuffle(labelled)
    cut = int(0.8 * len(labelled))
    train, held_out = labelled[:cut], labelled[cut:]
    embedder = Embedder.load(args.model_cache)
    with tempfile.TemporaryDirectory() as scratch:
        with Store.open(Path(scratch)) as store:
            for name in PUBLIC_FILES:
                import_results(store, args.shared / "data" / name)
            gazetteer = Gazetteer.load(store)
        read = partial(understand, gazetteer=gazetteer)

        def rows(pairs: list[tuple[str, str]]) -> np.ndarray:
            vectors = embedder.embed([q for q, _ in pairs])
            return np.stack([features(read(q), v) for (q, _), v in zip(pairs, vectors, strict=True)])

        router = Router.train(rows(train), [r for _, r in train])
        decisions = [router.decide(row) for row in rows(held_out)]
    truth = [r for _, r in held_out]
    plain = sum(d.route == t for d, t in zip(decisions, truth, strict=True)) / len(truth)
    print(f"trained on {len(train)}, held out {len(held_out)}; classifier accuracy {plain:.1%}")
    rows: list[dict[str, object]] = [{"refuse at P(none) >=": "(argmax)", "held-out accuracy": f"{plain:.1%}",
                                      "trained": len(train), "held out": len(held_out)}]
    for threshold in THRESHOLDS:
        chosen = [
            "none" if d.probabilities["none"] >= threshold
            else max((r for r in ROUTES if r != "none"), key=lambda r: d.probabilities[r])
            for d in decisions
        ]
        accuracy = sum(c == t for c, t in zip(chosen, truth, strict=True)) / len(truth)
        print(f"refuse at P(none) >= {threshold:.1f}: {accuracy:.1%}")
        rows.append({"refuse at P(none) >=": f"{threshold:.1f}", "held-out accuracy": f"{accuracy:.1%}"})
    write_result("router", "Router: held-out accuracy per refusal threshold", rows)


if __name__ == "__main__":
    main()
