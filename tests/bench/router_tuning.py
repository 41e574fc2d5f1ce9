"""Tune the router's refusal threshold on held-out labelled questions.

Run with `make bench-router`. Splits bot/router_questions.yaml into five folds (seeded shuffle); each fold
is held out in turn while the router trains on the other four, so every question is judged once by a
router that never saw it. Prints the classifier's accuracy and, for each candidate threshold on P(none),
the accuracy of "refuse when P(none) >= t, else the best other route". The bot's refusal threshold
(`Thresholds.refuse_at` in bot/routes.py) should sit where this peaks. (One 80/20 split of ~550
questions moves by a few points with the seed; five folds do not.)
"""

from __future__ import annotations

import argparse
import random
import tempfile
from functools import partial
from pathlib import Path

import numpy as np

from bot.gazetteer import Gazetteer
from bot.router import ROUTES, RouteDecision, Router, features, load_labelled_questions
from bot.understand import understand
from corpus.results import import_results
from corpus.store import Store
from index.embed import Embedder
from tests.bench.record import write_result
from tests.helpers import PUBLIC_FILES

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
FOLDS = 5


def main() -> None:
    """Split, train, and print held-out accuracy per threshold."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    labelled = load_labelled_questions()
    random.Random(args.seed).shuffle(labelled)
    embedder = Embedder.load(args.model_cache)
    with tempfile.TemporaryDirectory() as scratch:
        with Store.open(Path(scratch)) as store:
            for name in PUBLIC_FILES:
                import_results(store, args.shared / "data" / name)
            gazetteer = Gazetteer.load(store)
        read = partial(understand, gazetteer=gazetteer)
        vectors = embedder.embed([q for q, _ in labelled])
        matrix = np.stack([features(read(q), v) for (q, _), v in zip(labelled, vectors, strict=True)])
    labels = [r for _, r in labelled]
    decisions: list[RouteDecision] = []
    truth: list[str] = []
    for fold in range(FOLDS):
        held = [i for i in range(len(labelled)) if i % FOLDS == fold]
        kept = [i for i in range(len(labelled)) if i % FOLDS != fold]
        router = Router.train(matrix[kept], [labels[i] for i in kept])
        decisions += [router.decide(matrix[i]) for i in held]
        truth += [labels[i] for i in held]
    plain = sum(d.route == t for d, t in zip(decisions, truth, strict=True)) / len(truth)
    print(f"{len(labelled)} labelled questions, {FOLDS}-fold; classifier accuracy {plain:.1%}")
    rows: list[dict[str, object]] = [{"refuse at P(none) >=": "(argmax)", "held-out accuracy": f"{plain:.1%}",
                                      "labelled": len(labelled), "folds": FOLDS}]
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
