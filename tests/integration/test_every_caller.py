"""Every caller kept: the number Twilio sends is the caller's, valid or not in libphonenumber (Mexico's +52 1
mobiles), two spellings of one number are one contact, and a withheld caller ID makes a ticket with nobody's
number on it, no SMS and no status by phone."""
from __future__ import annotations

import pytest

from domain.calls import numbers_in_speech
from domain.contacts import WITHHELD
from tests.integration.conftest import call, sms_to
from tests.random_refs import random_mexican_mobile, random_word


def test_a_mexican_mobile_in_both_forms_is_one_caller_who_gets_the_sms_and_hears_the_status(phone_desk, saas, agent, db):
    old_form, new_form = random_mexican_mobile()
    word = random_word()
    saas.transcript = f"El correo {word} no sincroniza en el celular."
    first = call(phone_desk, old_form, f"El correo {word} no sincroniza en el celular", language="es")

    number = first.call["ticket"]
    assert first.ticket_heard == number
    assert first.call["from_phone"] == old_form and first.call["caller"]["phone"] == old_form
    ticket = agent.get(f"/api/tickets/{number}").json()
    assert ticket["caller"]["phone"] == old_form and ticket["caller"]["language"] == "es"
    assert sms_to(saas, old_form) == [f"Atiende: registramos su incidencia {number}: {ticket['short_description']}"]

    # The same phone, delivered in the current form: the same contact, who hears their ticket's state.
    again = call(phone_desk, new_form, status="")
    heard = " ".join(again.heard)
    assert "Tiene una incidencia abierta" in heard and numbers_in_speech(heard) == [number], heard
    asked = call(phone_desk, new_form, status=number[-7:])
    assert "No encuentro esa incidencia" not in " ".join(asked.heard)
    rows = db.execute("SELECT DISTINCT contact_id FROM calls WHERE sid = ANY(%s)",
                      ([first.sid, again.sid, asked.sid],)).fetchall()
    assert rows == [(ticket["caller"]["id"],)]
    assert db.execute("SELECT count(*) FROM contacts WHERE phone IN (%s, %s)", (old_form, new_form)).fetchone()[0] == 1

    for typed in (new_form, old_form, new_form.replace("+52", "+52 ")):
        listed = agent.get("/api/tickets", params={"caller_phone": typed})
        assert listed.status_code == 200, listed.text
        assert [t["number"] for t in listed.json()["items"]] == [number], typed
    found = agent.get("/api/contacts", params={"phone": new_form}).json()
    assert [c["id"] for c in (found["items"] if isinstance(found, dict) else found)] == [ticket["caller"]["id"]]


def test_an_api_caller_with_the_new_form_is_the_contact_a_call_made(phone_desk, agent):
    old_form, new_form = random_mexican_mobile()
    made = call(phone_desk, old_form, status="")  # a status call still makes the caller a contact
    created = agent.post("/api/tickets", json={"short_description": "Sin red", "caller": {"phone": new_form}})
    assert created.status_code == 201, created.text
    assert created.json()["caller"]["phone"] == old_form  # the first spelling seen stays the contact's
    detail = agent.get(f"/api/calls/{made.sid}").json()
    assert detail["caller"]["id"] == created.json()["caller"]["id"]


@pytest.mark.parametrize("withheld", ["anonymous", "Restricted", "+266696687", "+7378378742833", "+86282452253"])
def test_a_withheld_number_is_no_contact_and_hears_no_status(phone_desk, agent, db, withheld):
    reported = agent.post("/api/tickets", json={"short_description": "Sin red", "caller": {"name": random_word()}})
    number = reported.json()["number"]
    status = call(phone_desk, withheld, status=number[-7:])

    assert "No encuentro esa incidencia" in " ".join(status.heard)
    kept = agent.get(f"/api/calls/{status.sid}").json()
    assert kept["from_phone"] == WITHHELD and kept["caller"] is None
    assert db.execute("SELECT count(*) FROM contacts WHERE phone = %s", (withheld,)).fetchone()[0] == 0
    listed = agent.get("/api/tickets", params={"caller_phone": withheld})
    assert listed.status_code == 422 and listed.json()["errors"][0]["parameter"] == "caller_phone"


def test_a_withheld_number_makes_a_ticket_with_no_caller_and_no_sms(phone_desk, saas, agent):
    word = random_word()
    saas.transcript = f"El proyector {word} de la sala de juntas huele a quemado."
    sms_before = len(saas.sms)
    result = call(phone_desk, "anonymous", f"El proyector {word} de la sala de juntas huele a quemado", language="es")

    number = result.call["ticket"]
    assert number and result.ticket_heard == number and not result.call["joined_existing"]
    assert result.call["from_phone"] == WITHHELD and result.call["caller"] is None
    assert result.call["sms"]["status"] == "no_phone" and len(saas.sms) == sms_before
    ticket = agent.get(f"/api/tickets/{number}").json()
    assert ticket["caller"] is None
    written = [ticket["short_description"], ticket["description"]] + [
        a["body"] or "" for a in agent.get(f"/api/tickets/{number}/activity").json()["items"]]
    assert not any("anonymous" in text.lower() for text in written), written


def test_a_silent_withheld_caller_gets_a_ticket_that_says_the_number_was_withheld(phone_desk, saas, agent):
    sms_before, saas.transcript = len(saas.sms), ""  # the recording holds nothing either
    result = call(phone_desk, "+266696687", silent=True)

    ticket = agent.get(f"/api/tickets/{result.call['ticket']}").json()
    # The number is named as withheld, never as the keypad digits: as the call keeps it, or in the caller's
    # language (a withheld number is answered in the desk's default locale, Spanish here).
    short = ticket["short_description"]
    assert short.startswith("Llamada de") and any(words in short for words in (WITHHELD, "número oculto")), short
    assert ticket["caller"] is None and len(saas.sms) == sms_before


def test_the_database_keys_numbers_as_the_code_does(db):
    from domain.contacts import phone_key

    for phone in ("+5215512345678", "+525512345678", "+52 1 55 1234 5678", "+34612345678", "+521234", "sip:a@b"):
        assert db.execute("SELECT caller_phone_key(%s)", (phone,)).fetchone()[0] == phone_key(phone), phone
