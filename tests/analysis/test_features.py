from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from lib.analysis.features import CachedCharTfidf


def test_cached_char_tfidf_equals_sklearn() -> None:
    docs = ["tidak ada respon dari admin", "begal di jalan raya ciledug", "terima kasih bapak", "", "x"]
    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1).fit(docs)
    fast = CachedCharTfidf(fitted)
    probe = [*docs, "respon admin lambat", "kata baru sekali", "begal begal begal"]
    for _ in range(2):  # second pass is served from the cache
        assert np.allclose(fast.transform(probe).toarray(), fitted.transform(probe).toarray())


def test_cache_is_not_pickled() -> None:
    import pickle

    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True).fit(["abc def"])
    fast = CachedCharTfidf(fitted)
    fast.transform(["abc def"])
    assert fast._cache
    clone = pickle.loads(pickle.dumps(fast))
    assert clone._cache == {}
    assert np.allclose(clone.transform(["abc"]).toarray(), fitted.transform(["abc"]).toarray())


def test_fast_word_tfidf_equals_sklearn() -> None:
    import pickle

    from lib.analysis.features import FastWordTfidf

    docs = ["tidak ada respon dari admin cueneg", "begal di jalan raya ciledug", "terima kasih bapak", "",
            "sat-set polisi_ok 86 tandaseru", "respon respon respon admin"]
    fitted = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True).fit(docs)
    fast = pickle.loads(pickle.dumps(FastWordTfidf(fitted)))
    # plain texts take the str.split path, others (hyphen, capitals, "é", tabs) the regex path
    probe = [*docs, "Respon ADMIN lambat", "kata baru sekali", "di jalan raya ciledug ada begal",
             "respon\tadmin  lambat", "café respon admin", "admin-respon  lambat "]
    assert np.allclose(fast.transform(probe).toarray(), fitted.transform(probe).toarray())
