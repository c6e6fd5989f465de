"""The `call_to_ticket` orchestrator, driven step by step with canned activity results."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import function_app
from devhost.functions import indexed_functions

# The generator the app registered, found as the Functions worker finds it.
call_to_ticket = next(f for f in indexed_functions(function_app.app)
                      if f.get_function_name() == "call_to_ticket").get_user_function().orchestrator_function

SID = "CA" + "a" * 32


@dataclass
class Task:
    kind: str
    name: str = ""
    payload: Any = None

    def cancel(self) -> None:
        self.kind = "canceled-" + self.kind


class FakeContext:
    def __init__(self) -> None:
        self.statuses: list[dict[str, Any]] = []
        self.current_utc_datetime = datetime(2026, 11, 25, tzinfo=UTC)

    def get_input(self) -> dict[str, Any]:
        return {"call_sid": SID, "recording_wait_minutes": 30}

    def set_custom_status(self, status: dict[str, Any]) -> None:
        self.statuses.append(status)

    def call_activity_with_retry(self, name: str, retry: Any, payload: Any) -> Task:
        return Task("activity", name, payload)

    def wait_for_external_event(self, name: str) -> Task:
        return Task("event", name)

    def create_timer(self, fire_at: datetime) -> Task:
        return Task("timer")

    def task_any(self, tasks: list[Task]) -> Task:
        return Task("any", payload=tasks)


def run(answers: dict[str, Any], recording_arrives: bool = True) -> tuple[list[str], FakeContext, Any]:
    """Run the orchestrator to its end; an answer that is an exception is thrown in as the step's failure."""
    context = FakeContext()
    steps: list[str] = []
    generator = call_to_ticket(context)
    task = next(generator)
    while True:
        if task.kind == "any":
            steps.append("wait_recording")
            event, timer = task.payload
            outcome: Any = event if recording_arrives else timer
            failed = False
        else:
            steps.append(task.name)
            outcome = answers.get(task.name)
            failed = isinstance(outcome, Exception)
        try:
            task = generator.throw(outcome) if failed else generator.send(outcome)
        except StopIteration as done:
            return steps, context, done.value


ANALYSIS = {"short_description": "Printer", "description": "Printer is broken", "summary": "", "language": "en",
            "impact": 3, "urgency": 3, "category": None, "subcategory": None}
HAPPY = {"begin_call_pipeline": {"has_speech": True}, "analyze_call": ANALYSIS, "find_same_problem": None,
         "create_or_join": {"ticket": "INC0010001", "joined": False}, "notify_caller": "sent",
         "store_recording": "CA/RE.wav", "transcribe_recording": "azure_openai", "improve_ticket": True}


def test_a_call_with_speech_makes_its_ticket_before_waiting_for_the_recording():
    steps, context, output = run(HAPPY)
    assert steps == ["begin_call_pipeline", "analyze_call", "find_same_problem", "create_or_join", "notify_caller",
                     "wait_recording", "store_recording", "transcribe_recording", "improve_ticket",
                     "finish_call_pipeline"]
    assert output == {"step": "improve_ticket", "ticket": "INC0010001", "joined": False}
    first_with_number = next(i for i, s in enumerate(context.statuses) if s["ticket"])
    assert context.statuses[first_with_number]["step"] == "notify"  # the caller can hear it while the SMS goes


def test_a_call_without_speech_waits_for_the_recording_first():
    steps, _, output = run({**HAPPY, "begin_call_pipeline": {"has_speech": False}})
    assert steps[:5] == ["begin_call_pipeline", "wait_recording", "store_recording", "transcribe_recording",
                         "analyze_call"]
    assert "improve_ticket" not in steps and output["ticket"] == "INC0010001"


def test_a_failed_transcription_marks_the_ticket_for_review_and_skips_the_improvement():
    answers = {**HAPPY, "transcribe_recording": RuntimeError("500"),
               "mark_call_for_review": {"ticket": "INC0010001", "joined": False}}
    steps, context, _ = run(answers)
    assert "improve_ticket" not in steps
    assert steps[-2:] == ["mark_call_for_review", "finish_call_pipeline"]
    assert context.statuses[-1]["step"] == "review"


def test_without_speech_a_failed_provider_falls_back_to_the_offline_recognizer():
    calls: list[Any] = []

    class Flaky(dict):
        def get(self, name: str, default: Any = None) -> Any:
            if name == "transcribe_recording":
                calls.append(name)
                return RuntimeError("500") if len(calls) == 1 else "pocketsphinx"
            return super().get(name, default)

    steps, _, _ = run(Flaky({**HAPPY, "begin_call_pipeline": {"has_speech": False},
                             "mark_call_for_review": {"ticket": "INC0010001", "joined": False}}))
    assert steps.count("transcribe_recording") == 2
    assert "create_or_join" in steps and "mark_call_for_review" in steps


def test_a_step_that_fails_for_good_still_ends_in_a_ticket_and_an_sms():
    answers = {**HAPPY, "create_or_join": RuntimeError("database gone"),
               "mark_call_for_review": {"ticket": "INC0010002", "joined": False}}
    steps, _, output = run(answers)
    assert steps[-3:] == ["mark_call_for_review", "notify_caller", "finish_call_pipeline"]
    assert output["ticket"] == "INC0010002"


def test_a_recording_that_never_comes_is_a_reason_for_review():
    answers = {**HAPPY, "store_recording": None, "mark_call_for_review": {"ticket": "INC0010001", "joined": False}}
    steps, _, _ = run(answers, recording_arrives=False)
    assert "transcribe_recording" not in steps and "mark_call_for_review" in steps


def test_a_caller_who_joined_the_major_incident_from_the_menu_only_gets_the_sms():
    steps, _, output = run({"begin_call_pipeline": {"has_speech": False, "ticket": "INC0010042"},
                            "notify_caller": "sent", "finish_call_pipeline": None})
    assert steps == ["begin_call_pipeline", "notify_caller", "finish_call_pipeline"]
    assert (output["ticket"], output["joined"]) == ("INC0010042", True)
