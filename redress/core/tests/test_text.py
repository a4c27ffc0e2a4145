"""Folding for search: the bulk loads' memoised fold gives exactly what ``fold`` gives."""

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from redress.core.text import MemoisedFold, fold


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
@hypothesis_settings(max_examples=300, deadline=None)
def test_the_import_folds_search_text_exactly_as_search_does(text):
    folder = MemoisedFold()
    assert folder(text) == fold(text)
    assert folder(text) == fold(text)  # and again, from its memory
