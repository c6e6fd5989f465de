"""A desk's calibration: blends measured on its own held-out tickets, never worse there than the plain vote, and
thresholds that fill a field only where suggestions were right often enough."""
from datetime import UTC, datetime

import numpy as np

from domain.calibration import MIN_TICKETS, calibrate
from domain.classifier import features
from domain.tickets import Ticket
from domain.triage import NEVER, Blend, Calibration, vote

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


def test_a_calibration_survives_its_trip_through_json():
    calibration = Calibration({"category": Blend(0.25, 4.0, 0.7)}, {"category": {"labelled": 40}}, 40)
    assert Calibration.from_dict(calibration.to_dict()) == calibration
