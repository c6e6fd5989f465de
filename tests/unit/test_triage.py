"""Suggestions voted by the nearest labelled tickets, and extractive summaries."""
from datetime import UTC, datetime

import numpy as np

from domain.tickets import Ticket
from domain.triage import extractive_summary, vote
from tests.conftest import on_own_loop


def ticket(category=None, subcategory=None, group=None, impact=3, urgency=3) -> Ticket:
    return Ticket(number="INC0010001", short_description="x", opened_at=datetime.now(UTC), opened_by="t",
                  category=category, subcategory=subcategory, assignment_group=group, impact=impact, urgency=urgency)


def test_the_nearest_labelled_tickets_vote_by_similarity():
    votes = vote([(ticket("Red", "VPN", "Redes", 2, 1), 0.9), (ticket("Red", "VPN", "Redes", 2, 2), 0.8),
                  (ticket("Hardware", "Laptop", "Hardware"), 0.4)])
    assert (votes["category"].value, votes["subcategory"].value, votes["assignment_group"].value) == ("Red", "VPN", "Redes")
    assert votes["category"].confidence > 0.8 and votes["impact"].value == 2


def test_a_split_or_lonely_vote_offers_its_guess_as_unsure_and_a_distant_one_offers_nothing():
    split = vote([(ticket("Red", group="Redes"), 0.7), (ticket("Hardware", group="Hardware"), 0.7)])
    assert (split["category"].value, split["category"].confidence) == ("Red", 0.5)  # a tie: the nearest first
    assert not split["category"].fills
    distant = vote([(ticket("Red", group="Redes"), 0.2)])
    assert all(s.value is None and s.confidence == 0.0 for s in distant.values())
    lonely = vote([(ticket("Red", group="Redes"), 0.9)])
    assert lonely["category"].value == "Red" and lonely["category"].confidence <= 0.5  # one neighbour is not a vote


def test_only_a_suggestion_above_the_desks_threshold_fills_a_field():
    from domain.triage import Blend, Calibration

    calibration = Calibration({"category": Blend(vote_weight=1.0, threshold=0.8)})
    sure = vote([(ticket("Red"), 0.9), (ticket("Red"), 0.9), (ticket("Hardware"), 0.3)], None, calibration)
    unsure = vote([(ticket("Red"), 0.9), (ticket("Red"), 0.9), (ticket("Hardware"), 0.9)], None, calibration)
    assert sure["category"].value == unsure["category"].value == "Red"
    assert sure["category"].fills and not unsure["category"].fills
    assert not sure["assignment_group"].fills  # an uncalibrated field never fills


def test_a_subcategory_counts_only_under_the_chosen_category():
    votes = vote([(ticket("Red", "VPN"), 0.9), (ticket("Red", "VPN"), 0.9), (ticket("Software", "Correo"), 0.85)])
    assert (votes["category"].value, votes["subcategory"].value) == ("Red", "VPN")


def test_the_summary_keeps_the_most_central_sentences_in_order():
    text = "The VPN drops. Weather is nice today. The VPN drops again after reconnecting. The VPN shows error 809."

    async def embed(parts):
        return np.array([[1.0, 0.0] if "VPN" in p else [0.0, 1.0] for p in parts]) + 0.01
    assert on_own_loop(extractive_summary(text, embed)) == "The VPN drops. The VPN drops again after reconnecting."
    assert on_own_loop(extractive_summary("One sentence only.", embed)) == "One sentence only."


def test_the_classifier_is_averaged_with_the_vote_and_can_overturn_a_weak_one():
    neighbours = [(ticket("Hardware", group="Hardware"), 0.6), (ticket("Red", group="Redes"), 0.58)]
    learned = {"category": {"Red": 0.9, "Hardware": 0.1}, "assignment_group": {"Redes": 0.8, "Hardware": 0.2}}
    votes = vote(neighbours, learned)
    assert (votes["category"].value, votes["assignment_group"].value) == ("Red", "Redes")
    assert votes["subcategory"].value is None  # nobody voted for one


def test_a_confident_classifier_alone_is_not_enough_without_any_near_ticket():
    votes = vote([], {"category": {"Red": 1.0}})
    assert votes["category"].value == "Red" and votes["category"].confidence == 0.5 and not votes["category"].fills
