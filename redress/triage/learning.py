"""The learning core, free of the database: text to features, one linear classifier per field,
the evaluation on a held-out split against the keyword rules, and prediction.

Features are character n-grams (2 to 4 letters inside words) of the folded text (lower case,
without diacritics: "hoá đơn" and "hoa don" are the same), which work for Vietnamese without
word segmentation and for English alike. They are hashed (``HashingVectorizer``), so the saved
model holds no vocabulary, no word of any complaint, and its size does not grow with the data;
TF-IDF weights are learned on the training split. Each field gets a linear classifier trained
by stochastic gradient descent with the logistic loss, whose probability is the confidence.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from redress.core.text import fold

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import SGDClassifier

# scikit-learn is imported by the functions that use it: it takes about 3 s to load, which every
# command would pay at start; the serving processes load it before they serve (core.startup).

FIELDS = ("category", "product", "unit", "priority", "health_safety")
N_FEATURES = 2**17
HELD_OUT = 0.2
# A field is learned only from this many labelled examples, in at least two classes; a class
# needs two examples (one may go to the held-out split).
MIN_EXAMPLES = 30
MIN_PER_CLASS = 2
SEED = 20261201


def vectorizer() -> HashingVectorizer:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=False,
        dtype=np.float32,
    )


# --------------------------------------------------------------------------------------------
# Keyword rules, as plain data (the models' rows become these in selectors)


@dataclass(frozen=True)
class Rule:
    """Folded keywords and the values they point to (field → value as a string)."""

    keywords: tuple[str, ...]
    targets: dict[str, str]


def fold_keyword(keyword: str) -> str:
    """A keyword as it is looked for: folded like the text."""
    return fold(keyword)


def rules_predict(rules: Sequence[Rule], text: str) -> dict[str, tuple[str, float]]:
    """Per field, the value of the rules whose keywords the (folded) text holds most often, and
    its share of all the keyword hits for that field as the confidence."""
    folded = f" {fold(text)} "
    votes: dict[str, Counter[str]] = {}
    for rule in rules:
        hits = sum(1 for keyword in rule.keywords if keyword and keyword in folded)
        if not hits:
            continue
        for name, value in rule.targets.items():
            votes.setdefault(name, Counter())[value] += hits
    result: dict[str, tuple[str, float]] = {}
    for name, counter in votes.items():
        value, hits = counter.most_common(1)[0]
        result[name] = (value, hits / sum(counter.values()))
    return result


# --------------------------------------------------------------------------------------------
# Training and evaluation


@dataclass
class Bundle:
    """What is saved: the TF-IDF weights and one classifier per field learned."""

    tfidf: TfidfTransformer
    classifiers: dict[str, SGDClassifier] = field(default_factory=dict)

    def features(self, texts: Sequence[str]) -> Any:
        return self.tfidf.transform(vectorizer().transform([fold(t) for t in texts]))

    def predict(self, text: str, fields: Sequence[str]) -> dict[str, tuple[str, float]]:
        """Per field asked for and learned: the most probable value and its probability."""
        wanted = [f for f in fields if f in self.classifiers]
        if not wanted:
            return {}
        x = self.features([text])
        result = {}
        for name in wanted:
            clf = self.classifiers[name]
            proba = clf.predict_proba(x)[0]
            best = int(np.argmax(proba))
            result[name] = (str(clf.classes_[best]), float(proba[best]))
        return result


@dataclass
class Trained:
    bundle: Bundle | None
    metrics: dict[str, Any]


def _classifier() -> SGDClassifier:
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss", alpha=2e-5, max_iter=30, tol=1e-4, random_state=SEED, n_jobs=1
    )


def _compact(clf: SGDClassifier) -> SGDClassifier:
    """Single precision, and sparse where most hashed buckets were never seen: the file and
    the memory of a model stay small."""
    clf.coef_ = clf.coef_.astype(np.float32)
    if np.count_nonzero(clf.coef_) < 0.3 * clf.coef_.size:
        clf.sparsify()
    return clf


def _evaluate(
    labels: list[str], truth: Sequence[str], model: Sequence[str], rules: Sequence[str]
) -> dict[str, Any]:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    precision, recall, _f1, support = precision_recall_fscore_support(
        truth, model, labels=labels, zero_division=0
    )
    n = len(truth)
    model_right = sum(1 for t, p in zip(truth, model, strict=True) if t == p)
    rules_right = sum(1 for t, p in zip(truth, rules, strict=True) if t == p)
    return {
        "labels": labels,
        "held_out": n,
        "accuracy": model_right / n if n else 0.0,
        "rules_accuracy": rules_right / n if n else 0.0,
        "precision": [round(float(v), 4) for v in precision],
        "recall": [round(float(v), 4) for v in recall],
        "support": [int(v) for v in support],
        "confusion": confusion_matrix(truth, model, labels=labels).tolist(),
    }


def train(
    texts: Sequence[str],
    labels: Mapping[str, Sequence[str]],
    rules: Sequence[Rule] = (),
    *,
    min_examples: int = MIN_EXAMPLES,
) -> Trained:
    """Learn each field of ``labels`` (field → one label per text, "" for none) and evaluate it
    on a held-out split of the same rows against the keyword rules. A field is marked
    ``uses_model`` only when the model is more accurate than the rules on that split; the
    classifiers kept are those trained on the training split (the ones evaluated)."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.model_selection import train_test_split

    started = time.perf_counter()
    n = len(texts)
    metrics: dict[str, Any] = {"examples": n, "fields": {}}
    if n < min_examples:
        metrics["seconds"] = time.perf_counter() - started
        return Trained(None, metrics)
    order = np.arange(n)
    train_idx, test_idx = train_test_split(order, test_size=HELD_OUT, random_state=SEED)
    in_test = np.zeros(n, dtype=bool)
    in_test[test_idx] = True
    hashed = vectorizer().transform([fold(t) for t in texts])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(hashed[train_idx])
    x = tfidf.transform(hashed)
    bundle = Bundle(tfidf)
    rule_guesses = [rules_predict(rules, t) for t in (texts[i] for i in test_idx)] if rules else []
    for name in FIELDS:
        column = labels.get(name)
        if column is None:
            continue
        counts = Counter(v for v in column if v)
        kept = {v for v, c in counts.items() if c >= MIN_PER_CLASS}
        rows = np.array([i for i in range(n) if column[i] in kept], dtype=np.int64)
        entry: dict[str, Any] = {"examples": len(rows), "uses_model": False}
        metrics["fields"][name] = entry
        if len(rows) < min_examples or len(kept) < 2:
            entry["reason"] = "not_enough_examples"
            continue
        fit_rows = rows[~in_test[rows]]
        eval_rows = rows[in_test[rows]]
        fit_labels = [column[i] for i in fit_rows]
        if len(set(fit_labels)) < 2 or not len(eval_rows):
            entry["reason"] = "not_enough_examples"
            continue
        clf = _compact(_classifier().fit(x[fit_rows], fit_labels))
        truth = [column[i] for i in eval_rows]
        predicted = [str(v) for v in clf.predict(x[eval_rows])]
        position = {int(i): k for k, i in enumerate(test_idx)}
        by_rules = [
            rule_guesses[position[int(i)]].get(name, ("", 0.0))[0] if rule_guesses else ""
            for i in eval_rows
        ]
        entry.update(_evaluate(sorted(kept), truth, predicted, by_rules))
        entry["uses_model"] = entry["accuracy"] > entry["rules_accuracy"]
        bundle.classifiers[name] = clf
    metrics["seconds"] = time.perf_counter() - started
    return Trained(bundle if bundle.classifiers else None, metrics)
