"""A desk's calibration: blends measured on its own held-out tickets, never worse there than the plain vote, and
thresholds that fill a field only where suggestions were right often enough."""
from datetime import UTC, datetime

import numpy as np

from domain.calibration import MIN_TICKETS, TEXT_WEIGHTS, SearchProbe, calibrate, calibrate_search
from domain.classifier import TEMPERATURES, features
from domain.tickets import Ticket
from domain.triage import MIN_SIMILARITY, NEVER, Blend, Calibration, vote

TOPICS = {
    ("Network", "Wi-Fi", "Network team"): ["wifi drops on floor", "wireless is slow in room", "no wifi signal at desk"],
    ("Hardware", "Printer", "Site support"): ["printer jams on floor", "printer prints blank pages", "cannot print in room"],
}


def desk(per_topic: int = 30) -> tuple[list[Ticket], np.ndarray]:
    """Tickets of two topics whose vectors sit close to their topic's direction, with a little noise."""
    rng = np.random.default_rng(7)
    tickets, vectors = [], []
    for t, ((category, sub, group), phrases) in enumerate(TOPICS.items()):
        for i in range(per_topic):
            tickets.append(Ticket(number=f"INC{t}{i:06d}", short_description=f"{phrases[i % 3]} {i}",
                                  opened_at=datetime.now(UTC), opened_by="t", category=category, subcategory=sub,
                                  assignment_group=group))
            vector = np.eye(8)[t] + rng.normal(0, 0.15, 8)
            vectors.append(vector / np.linalg.norm(vector))
    return tickets, np.array(vectors, dtype=np.float32)


def test_a_clear_desk_is_calibrated_to_fill_its_fields_and_ships_no_worse_than_the_vote():
    tickets, vectors = desk()
    calibration = calibrate(tickets, vectors, [features(t.short_description) for t in tickets], precision=0.9)
    group = calibration.quality["assignment_group"]
    assert group["labelled"] == 60 and group["shipped"] >= group["vote"] and group["shipped"] >= 0.95
    assert calibration.blend("assignment_group").threshold <= 1 and group["coverage"] > 0.5
    assert calibration.held_out == 60


def test_too_few_labelled_tickets_fill_nothing():
    tickets, vectors = desk(per_topic=MIN_TICKETS // 2 - 1)
    calibration = calibrate(tickets, vectors, [features(t.short_description) for t in tickets], precision=0.9)
    assert calibration.blends == {} and calibration.blend("category").threshold == NEVER


def test_a_suggestion_fills_its_field_only_at_or_above_the_calibrated_threshold():
    near = [(Ticket(number="INC1", short_description="x", opened_at=datetime.now(UTC), opened_by="t", category="Red",
                    assignment_group="Redes"), 0.9)] * 3
    sure = Calibration({"assignment_group": Blend(vote_weight=1.0, threshold=0.8)})
    unsure = Calibration({"assignment_group": Blend(vote_weight=1.0, threshold=NEVER)})
    assert vote(near, None, sure)["assignment_group"].fills is True
    assert vote(near, None, unsure)["assignment_group"].fills is False
    assert vote(near, None, unsure)["assignment_group"].value == "Redes"  # still suggested, for the work note


def test_a_text_unlike_any_labelled_ticket_is_never_filled_however_sure_the_classifier_is():
    far = [(Ticket(number="INC2", short_description="x", opened_at=datetime.now(UTC), opened_by="t",
                   assignment_group="Redes"), 0.1)] * 3  # too far to vote
    classifier_alone = Calibration({"assignment_group": Blend(vote_weight=0.0, threshold=0.6)})
    suggested = vote(far, {"assignment_group": {"Redes": 0.99, "Impresoras": 0.01}}, classifier_alone)
    assert suggested["assignment_group"].value == "Redes" and suggested["assignment_group"].confidence == 0.99
    assert suggested["assignment_group"].fills is False


def test_a_text_no_closer_to_the_desk_than_its_other_kinds_of_ticket_come_is_novel_and_fills_nothing():
    tickets, vectors = desk()
    calibration = calibrate(tickets, vectors, [features(t.short_description) for t in tickets], precision=0.9)
    # The floor is how close a ticket of another topic comes (the two topics point apart): same-topic tickets clear it.
    assert 0.3 <= calibration.min_similarity < 0.99
    group = calibration.blend("assignment_group")
    near = [(tickets[0], calibration.min_similarity + 0.005)] * 3
    novel = [(tickets[0], calibration.min_similarity - 0.005)] * 3
    assert vote(near, None, calibration)["assignment_group"].fills is (group.threshold <= 1)
    assert vote(novel, None, calibration)["assignment_group"].fills is False
    assert vote(novel, None, calibration)["assignment_group"].value == tickets[0].assignment_group


def test_a_desk_of_one_kind_of_near_identical_tickets_still_fills_what_is_like_them():
    tickets, vectors = desk()
    one_kind = [t for t in tickets if t.assignment_group == "Network team"]
    same = np.tile(vectors[:1], (len(one_kind), 1))  # every ticket worded alike
    calibration = calibrate(one_kind, same, [features(t.short_description) for t in one_kind], precision=0.9)
    assert calibration.min_similarity == MIN_SIMILARITY  # no other kind to compare with: the general floor


def test_a_calibration_survives_its_trip_through_json():
    calibration = Calibration({"category": Blend(0.25, 4.0, 0.7, 5.0)}, {"category": {"labelled": 40}}, 40,
                              {"es": {"queries": 40, "text_weight": 2.0}}, 0.42)
    assert Calibration.from_dict(calibration.to_dict()) == calibration
    assert calibration.text_weight("es") == 2.0 and calibration.text_weight("en") == 1.0


def test_the_classifier_temperature_is_chosen_by_the_held_out_labels_and_kept_with_the_blend():
    tickets, vectors = desk()
    calibration = calibrate(tickets, vectors, [features(t.short_description) for t in tickets], precision=0.9)
    chosen = calibration.quality["assignment_group"]["temperature"]
    assert chosen in TEMPERATURES and calibration.blend("assignment_group").temperature == chosen
    # A clear desk's classifier is right on its held-out tickets: the likeliest labels come with a sharp softmax,
    # sharper than the widest temperature on offer.
    assert chosen < max(TEMPERATURES)


def probes(language: str, words_find: bool, vectors_find: bool, n: int = MIN_TICKETS) -> list[SearchProbe]:
    """Probes where the right ticket is first in the words' ranking, the vectors' or both (else tenth)."""
    right, others = "INC-RIGHT", [f"INC{i}" for i in range(10)]
    first, late = [right, *others], [*others[:9], right, others[9]]
    return [SearchProbe(language, first if words_find else late, first if vectors_find else late, frozenset({right}))
            for _ in range(n)]


def test_search_weighs_words_more_where_they_find_what_the_vectors_miss_and_evenly_on_a_tie():
    chosen = calibrate_search(probes("es", words_find=True, vectors_find=False)
                              + probes("en", words_find=True, vectors_find=True))
    assert chosen["es"]["text_weight"] > 1.0 and chosen["es"]["shipped_mrr"] > chosen["es"]["vectors_mrr"]
    assert chosen["en"]["text_weight"] == TEXT_WEIGHTS[0] == 1.0  # no difference measured: the even weight stays
    assert chosen["es"]["queries"] == MIN_TICKETS


def test_search_leans_on_the_vectors_where_the_words_mislead_and_needs_enough_probes_to_choose():
    chosen = calibrate_search(probes("en", words_find=False, vectors_find=True)
                              + probes("es", words_find=True, vectors_find=False, n=MIN_TICKETS - 1))
    assert chosen["en"]["text_weight"] < 1.0 and chosen["en"]["shipped_mrr"] >= chosen["en"]["even_mrr"]
    assert "es" not in chosen  # too few to measure: search keeps the even weight there
