"""The classifier triage learns from the desk's labelled tickets: naive Bayes over words and their pieces."""
import io
import pickle

import numpy as np
import pytest

from domain.classifier import NaiveBayes, features

DESK = [
    ("No puedo conectarme a la VPN desde casa", "Redes"),
    ("La VPN se desconecta cada pocos minutos", "Redes"),
    ("Sin conexión a la red wifi de la oficina", "Redes"),
    ("La impresora del segundo piso no imprime", "Hardware"),
    ("Mi portátil no enciende", "Hardware"),
    ("La pantalla del portátil parpadea", "Hardware"),
    ("Outlook no sincroniza el correo", "Aplicaciones"),
    ("Excel se cierra al abrir un archivo", "Aplicaciones"),
]


def test_it_learns_from_words_and_their_pieces_so_inflections_and_accents_still_match():
    model = NaiveBayes.train(DESK)
    guessed = model.probabilities("las impresoras no imprimen nada")  # plural and inflected: only pieces match
    assert max(guessed, key=guessed.get) == "Hardware"
    unaccented = model.probabilities("conexion vpn caida")
    assert max(unaccented, key=unaccented.get) == "Redes"  # "conexión" learned with its accent
    assert sum(guessed.values()) == pytest.approx(1.0)
    assert set(guessed) == {"Redes", "Hardware", "Aplicaciones"}


def test_its_probabilities_are_tempered_rather_than_always_certain():
    guessed = NaiveBayes.train(DESK).probabilities("algo raro pasa con el equipo")
    assert max(guessed.values()) < 0.9  # words it has never seen leave it unsure


def test_nothing_to_learn_or_to_read_gives_no_probabilities():
    assert NaiveBayes.train([]).probabilities("la VPN no conecta") == {}
    assert NaiveBayes.train(DESK).probabilities("¿¡ !?") == {}
    assert features("  ").size == 0


def test_it_round_trips_through_bytes_with_numbers_as_labels_and_never_unpickles():
    model = NaiveBayes.train([("caído para todos", 1), ("solo a mí", 3), ("toda la planta", 1)])
    again = NaiveBayes.loads(model.dumps())
    assert again.labels == [1, 3] and np.array_equal(again.counts, model.counts)
    assert again.probabilities("caído para la planta") == model.probabilities("caído para la planta")
    buffer = io.BytesIO()
    np.savez(buffer, counts=np.array([pickle.dumps(object)], dtype=object), labels=np.zeros(2, np.uint8))
    with pytest.raises(ValueError):  # an object array would need pickle: refused, not run
        NaiveBayes.loads(buffer.getvalue())
