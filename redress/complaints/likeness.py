"""How alike two complaints' texts are: the one measure behind triage's similar complaints
(``triage.similar``), the possible duplicates found at intake (``complaints.duplicates``) and
the clusters of similar complaints proposed as systemic issues (``triage.clusters``).

TF-IDF weighted character 3–4-grams inside words of the folded text (lower case, without
diacritics), compared by cosine: Vietnamese needs no word segmentation, and "hoa don" typed
without diacritics matches "hoá đơn". For one complaint against its candidates the weights
are learned from the texts compared, so a phrase every complaint uses ("kính gửi quý công
ty") counts for little. Clusters are compared unweighted (``weighted=False``): there the words
many complaints share are the pattern looked for, and weighting by rarity would discount them
the more complaints share them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from redress.core.text import fold

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# What of a long description is compared: the start says what the complaint is about.
DESCRIPTION_CHARS = 600


def complaint_text(subject: str, description: str) -> str:
    return f"{subject}\n{description}"


def comparable(subject: str, description: str) -> str:
    """The folded text of a complaint as the measure compares it."""
    return fold(complaint_text(subject, description[:DESCRIPTION_CHARS]))


def likeness_matrix(texts: Sequence[str], *, weighted: bool = True) -> csr_matrix:
    """One L2-normalised row per text (already ``comparable``): the dot product of two rows is
    their likeness, 0..1. ``weighted``: n-grams weighted by their rarity among ``texts``."""
    # Imported here: scikit-learn takes about 3 s to load, which every command would pay at
    # start; the serving processes load it before they serve (core.startup).
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 4),
        sublinear_tf=True,
        lowercase=False,
        use_idf=weighted,
    )
    matrix: csr_matrix = vectorizer.fit_transform(texts)
    return matrix


def likeness_to(text: str, others: Sequence[str]) -> list[float]:
    """How alike ``text`` is to each of ``others`` (all ``comparable`` texts), 0..1, in order."""
    if not others or not text.strip():
        return [0.0] * len(others)
    try:
        matrix = likeness_matrix([text, *others])
    except ValueError:  # nothing to compare: no text has three letters in a word
        return [0.0] * len(others)
    return [float(v) for v in (matrix[1:] @ matrix[0].T).toarray().ravel()]
