"""Feature extraction that keeps analyze() above 5,000 texts/s on one core.

Character n-grams dominate the cost of a TF-IDF transform. With `analyzer="char_wb"` each word's
n-grams do not depend on its neighbours, so `CachedCharTfidf` memoises, per distinct word, the
vocabulary ids of its n-grams and builds the sparse matrix in one step. The output equals
`TfidfVectorizer.transform` of the fitted vectoriser (sublinear tf, idf, l2 norm); a test checks it.
`FastWordTfidf` does the same for the word 1-2-grams without scikit-learn's per-call overhead.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

_CACHE_LIMIT = 200_000
_WORD_PATTERN = r"(?u)\b\w+\b"
_NOT_PLAIN = re.compile(r"[^0-9a-z_ ]")  # a text of only these: `\b\w+\b` tokens are its space-separated words
_EMPTY = np.zeros(0, dtype=np.int32)


def _l2_rows(x: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row to unit length in place, as `sklearn.preprocessing.normalize(norm="l2")` does
    (a zero row stays zero) but without its per-call input validation, which costs more than the
    arithmetic for the small batches the app sends."""
    counts = np.diff(x.indptr)
    rows = np.repeat(np.arange(x.shape[0]), counts)
    norms = np.sqrt(np.bincount(rows, weights=x.data * x.data, minlength=x.shape[0]))
    norms[norms == 0.0] = 1.0
    x.data /= np.repeat(norms, counts)
    return x


class CachedCharTfidf:
    """Wraps a fitted char_wb TfidfVectorizer; `transform` is equivalent but memoised per word."""

    def __init__(self, fitted: TfidfVectorizer) -> None:
        if fitted.analyzer != "char_wb" or not fitted.sublinear_tf or fitted.norm != "l2":
            raise ValueError("CachedCharTfidf expects a fitted char_wb vectoriser with sublinear_tf and l2 norm")
        self.vectorizer = fitted
        self._cache: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict:
        return {"vectorizer": self.vectorizer}

    def __setstate__(self, state: dict) -> None:
        self.vectorizer = state["vectorizer"]
        self._cache = {}

    def _word_ids(self, word: str) -> np.ndarray:
        ids = self._cache.get(word)
        if ids is None:
            vocab = self.vectorizer.vocabulary_
            found = [vocab[g] for g in self._analyzer(word) if g in vocab]
            ids = np.asarray(found, dtype=np.int32) if found else _EMPTY
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[word] = ids
        return ids

    @property
    def _analyzer(self):
        analyzer = getattr(self, "_analyzer_fn", None)
        if analyzer is None:
            analyzer = self._analyzer_fn = self.vectorizer.build_analyzer()
        return analyzer

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        parts: list[np.ndarray] = []
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        total = 0
        cached = self._cache.get
        for i, doc in enumerate(docs):
            for word in doc.lower().split():
                ids = cached(word)
                if ids is None:
                    ids = self._word_ids(word)
                if ids.size:
                    parts.append(ids)
                    total += ids.size
            indptr[i + 1] = total
        indices = np.concatenate(parts) if parts else _EMPTY
        n_features = len(self.vectorizer.vocabulary_)
        x = sp.csr_matrix((np.ones(indices.size, dtype=np.float64), indices, indptr),
                          shape=(len(docs), n_features))
        x.sum_duplicates()
        np.log(x.data, out=x.data)
        x.data += 1.0
        x.data *= self._idf[x.indices]
        return _l2_rows(x)

    @property
    def _idf(self) -> np.ndarray:
        idf = getattr(self, "_idf_array", None)
        if idf is None:
            idf = self._idf_array = self.vectorizer.idf_.astype(np.float64)
        return idf


class FastWordTfidf:
    """Wraps a fitted word 1-2-gram TfidfVectorizer; `transform` is equivalent but skips
    scikit-learn's per-call input validation and builds the matrix in one step (a test checks it)."""

    def __init__(self, fitted: TfidfVectorizer) -> None:
        ok = (fitted.analyzer == "word" and fitted.ngram_range == (1, 2) and fitted.lowercase
              and fitted.sublinear_tf and fitted.norm == "l2" and fitted.use_idf and fitted.stop_words is None
              and fitted.preprocessor is None and fitted.tokenizer is None and fitted.strip_accents is None)
        if not ok or re.compile(fitted.token_pattern).groups:
            raise ValueError("FastWordTfidf expects a fitted word (1, 2)-gram vectoriser with sublinear_tf and l2")
        self.vectorizer = fitted

    def __getstate__(self) -> dict:
        return {"vectorizer": self.vectorizer}

    def __setstate__(self, state: dict) -> None:
        self.vectorizer = state["vectorizer"]

    @property
    def _pattern(self) -> re.Pattern[str]:
        pattern = getattr(self, "_pattern_re", None)
        if pattern is None:
            pattern = self._pattern_re = re.compile(self.vectorizer.token_pattern)
            self._idf_array = self.vectorizer.idf_.astype(np.float64)
        return pattern

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        find = self._pattern.findall
        if self.vectorizer.token_pattern == _WORD_PATTERN:  # plain words: str.split gives the same tokens
            regex_find = find

            def find(doc: str) -> list[str]:
                return regex_find(doc) if _NOT_PLAIN.search(doc) else doc.split()
        vocab = self.vectorizer.vocabulary_
        get = vocab.get
        indices: list[int] = []
        indptr = [0]
        for doc in docs:
            toks = find(doc.lower())
            for t in toks:
                j = get(t)
                if j is not None:
                    indices.append(j)
            for a, b in zip(toks, toks[1:], strict=False):
                j = get(f"{a} {b}")
                if j is not None:
                    indices.append(j)
            indptr.append(len(indices))
        idx = np.asarray(indices, dtype=np.int32)
        x = sp.csr_matrix((np.ones(idx.size, dtype=np.float64), idx, np.asarray(indptr, dtype=np.int64)),
                          shape=(len(docs), len(vocab)))
        x.sum_duplicates()
        np.log(x.data, out=x.data)
        x.data += 1.0
        x.data *= self._idf_array[x.indices]
        return _l2_rows(x)
