"""A text classifier trained on the desk's own labelled tickets: multinomial naive Bayes over hashed words and
character n-grams.

Character n-grams read Spanish (and typos, and inflections) where the local embedding model, trained mostly on
English, reads it poorly: on the evaluation set this lifts Spanish group accuracy from 0.78 to 0.9 once combined
with the neighbours' vote (benchmarks/evaluate_search.py). Training is one pass of counting, so a desk of tens
of thousands of tickets trains in seconds; the model is a matrix of counts per label, stored compressed.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
import zlib
from collections.abc import Hashable, Iterable

import numpy as np

# Features are hashed into this many buckets: collisions cost little accuracy here (0.90 vs 0.92 at 2**18) and
# keep a label's row at 256 KiB in memory.
BUCKETS = 2 ** 16
GRAM_SIZES = (3, 4, 5)
# Additive smoothing, small because the counts are sparse: unseen n-grams should barely move a label.
ALPHA = 0.01
# Log-likelihoods of a few hundred n-grams are far apart; dividing them by a temperature before the softmax gives
# probabilities that can be weighed against the neighbours' vote instead of a certain 1.0 every time. Each desk's
# calibration chooses the temperature from these, by the likelihood of its held-out tickets' labels; this one
# stands until it has (and then nothing fills a field on its own).
TEMPERATURES = (2.5, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0)
TEMPERATURE = 20.0


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    weights: np.ndarray = np.exp((scores - scores.max()) / temperature)
    shared: np.ndarray = weights / weights.sum()
    return shared


def features(text: str) -> np.ndarray:
    """The text's hashed bucket ids: each word whole and its 3-, 4- and 5-character pieces, accents folded."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    grams = []
    for word in re.findall(r"\w+", folded):
        padded = f" {word} "
        grams.append("w" + padded)
        for size in GRAM_SIZES:
            grams += [padded[i:i + size] for i in range(max(1, len(padded) - size + 1))]
    return np.array([zlib.crc32(g.encode()) % BUCKETS for g in grams], dtype=np.int64)


class NaiveBayes:
    """One label per text; labels are anything JSON keeps (strings, numbers)."""

    def __init__(self, labels: list[Hashable], counts: np.ndarray):
        self.labels = labels
        self.counts = counts
        self.examples = counts[:, 0]
        totals = counts[:, 1:].sum(axis=1, keepdims=True)
        self._log_likelihood = np.log((counts[:, 1:] + ALPHA) / (totals + ALPHA * BUCKETS)).astype(np.float32)
        self._log_prior = np.log(np.maximum(self.examples, 1) / max(self.examples.sum(), 1))

    @classmethod
    def train(cls, examples: Iterable[tuple[str | np.ndarray, Hashable]]) -> NaiveBayes:
        """Learn from (text, label) pairs; a text may come as its `features` already, to share them between fields."""
        found: dict[Hashable, list[np.ndarray]] = {}
        for text, label in examples:
            found.setdefault(label, []).append(features(text) if isinstance(text, str) else text)
        labels = sorted(found, key=str)
        # Column 0 holds how many texts each label had (its prior); the rest count its features.
        counts = np.zeros((len(labels), BUCKETS + 1), dtype=np.float32)
        for row, label in enumerate(labels):
            counts[row, 0] = len(found[label])
            counts[row, 1:] = np.bincount(np.concatenate(found[label]), minlength=BUCKETS)
        return cls(labels, counts)

    def probabilities(self, text: str, temperature: float = TEMPERATURE) -> dict[Hashable, float]:
        """Each label's probability for the text; empty when the model has no labels or the text no words."""
        return self.probabilities_of(features(text), temperature)

    def probabilities_of(self, found: np.ndarray, temperature: float = TEMPERATURE) -> dict[Hashable, float]:
        """Each label's probability for a text's `features`."""
        scores = self.scores_of(found)
        if scores is None:
            return {}
        return dict(zip(self.labels, softmax(scores, temperature).tolist(), strict=True))

    def scores_of(self, found: np.ndarray) -> np.ndarray | None:
        """Each label's log-joint score for a text's `features`, in `labels` order; None when there is nothing to
        score."""
        if not self.labels or found.size == 0:
            return None
        scores: np.ndarray = self._log_likelihood[:, found].sum(axis=1) + self._log_prior
        return scores

    def dumps(self) -> bytes:
        """Compressed counts and JSON labels: no pickle, so a tampered store cannot run code when loaded."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, counts=self.counts, labels=np.frombuffer(json.dumps(self.labels).encode(), np.uint8))
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> NaiveBayes:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            return cls(json.loads(stored["labels"].tobytes()), stored["counts"])
