"""The learning core on the generated bilingual data set, whose structure is known: the model
must recover it (stated accuracies below), and the keyword rules work with no data at all."""

from redress.triage import learning
from redress.triage.dataset import examples


def _labels(rows):
    return {
        "category": [r.category for r in rows],
        "product": [r.product for r in rows],
        "unit": [r.unit for r in rows],
        "priority": [r.priority for r in rows],
        "health_safety": ["true" if r.health_safety else "false" for r in rows],
    }


def test_the_model_recovers_the_known_structure_from_a_few_hundred_complaints():
    rows = examples(400)
    trained = learning.train([r.text for r in rows], _labels(rows))
    fields = trained.metrics["fields"]
    assert fields["category"]["accuracy"] >= 0.95
    assert fields["product"]["accuracy"] >= 0.95
    assert fields["unit"]["accuracy"] >= 0.95
    assert fields["priority"]["accuracy"] >= 0.8
    assert fields["health_safety"]["accuracy"] >= 0.85
    assert fields["category"]["held_out"] == 80
    # With no keyword rules, the model beats them everywhere.
    assert all(f["uses_model"] for f in fields.values())


def test_a_new_text_in_either_language_is_classified_with_a_confidence():
    rows = examples(400)
    bundle = learning.train([r.text for r in rows], _labels(rows)).bundle
    assert bundle is not None
    vi = bundle.predict("Giao hàng chậm, kiện hàng bị thất lạc", learning.FIELDS)
    en = bundle.predict("My wifi is down and the connection keeps dropping", learning.FIELDS)
    unaccented = bundle.predict("hoa don tinh sai tien, bi tru tien hai lan", ["category"])
    assert vi["category"][0] == "delivery" and vi["unit"][0] == "logistics"
    assert en["category"][0] == "network" and en["product"][0] == "internet"
    assert unaccented["category"][0] == "billing"
    assert 0.5 < vi["category"][1] <= 1.0


def test_the_evaluation_has_precision_recall_and_a_confusion_matrix_per_category():
    rows = examples(300)
    entry = learning.train([r.text for r in rows], _labels(rows)).metrics["fields"]["category"]
    assert entry["labels"] == ["billing", "delivery", "network", "quality", "staff"]
    assert len(entry["precision"]) == len(entry["recall"]) == 5
    assert len(entry["confusion"]) == 5 and all(len(r) == 5 for r in entry["confusion"])
    assert sum(map(sum, entry["confusion"])) == entry["held_out"] == sum(entry["support"])


def test_with_too_few_examples_nothing_is_learned():
    rows = examples(10)
    trained = learning.train([r.text for r in rows], _labels(rows))
    assert trained.bundle is None
    assert trained.metrics["fields"] == {}


def test_keyword_rules_suggest_with_no_data_ignoring_case_and_diacritics():
    rules = [
        learning.Rule(("hoa don", "invoice"), {"category": "7", "unit": "3"}),
        learning.Rule(("bong", "burn"), {"health_safety": "true", "priority": "urgent"}),
    ]
    found = learning.rules_predict(rules, "HOÁ ĐƠN sai, con tôi bị bỏng")
    assert found["category"] == ("7", 1.0)
    assert found["health_safety"] == ("true", 1.0)
    assert learning.rules_predict(rules, "nothing to see here") == {}


def test_a_model_no_better_than_the_keyword_rules_is_not_used():
    rows = examples(300)
    # Rules that know the data set's phrases exactly: the model cannot beat them on category.
    from redress.triage.dataset import CATEGORIES

    rules = [
        learning.Rule(tuple(learning.fold_keyword(p) for p in vi + en), {"category": code})
        for code, (_p, _u, vi, en) in CATEGORIES.items()
    ]
    fields = learning.train([r.text for r in rows], _labels(rows), rules).metrics["fields"]
    assert fields["category"]["rules_accuracy"] == 1.0
    assert fields["category"]["uses_model"] is False
    assert fields["unit"]["uses_model"] is True
