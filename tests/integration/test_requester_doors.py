"""The requester's doors over HTTP on devhost: Twilio's signed messaging webhooks, the rating pages, a contact's
channels, attachments and the CSAT summary, with bad input refused and nothing changed."""
from __future__ import annotations

import uuid

import httpx
from twilio.request_validator import RequestValidator

from tests.integration.conftest import TOKEN
from tests.random_refs import random_phone


def post_signed(host, path: str, form: dict[str, str], token: str = TOKEN) -> httpx.Response:
    public = f"{host.base}{path}"
    signature = RequestValidator(token).compute_signature(public, form)
    return httpx.post(f"{host.base}{path}", data=form, headers={"X-Twilio-Signature": signature})


def test_an_sms_from_a_new_number_opens_a_ticket_answered_in_twiml_once(phone_desk, agent, db):
    phone, sid = random_phone(), "SM" + uuid.uuid4().hex
    form = {"MessageSid": sid, "From": phone, "To": "+15005550006", "Body": "The projector in room 4 is dead"}
    answer = post_signed(phone_desk, "/api/sms/incoming", form)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    assert "<Message>We logged your ticket INC" in answer.text
    assert post_signed(phone_desk, "/api/sms/incoming", form).text == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    tickets = db.execute("SELECT t.number, t.channel FROM tickets t JOIN contacts c ON c.id = t.caller_id"
                         " WHERE c.phone = %s", (phone,)).fetchall()
    assert [channel for _, channel in tickets] == ["sms"]
    assert agent.get(f"/api/tickets/{tickets[0][0]}").json()["channel"] == "sms"


def test_forged_or_malformed_messaging_webhooks_change_nothing(phone_desk, db):
    phone = random_phone()
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": phone, "Body": "hello"}
    assert post_signed(phone_desk, "/api/sms/incoming", form, token="not-the-token").status_code == 403
    assert httpx.post(f"{phone_desk.base}/api/sms/incoming", data=form).status_code == 403
    bad = post_signed(phone_desk, "/api/sms/incoming", {**form, "MessageSid": "nonsense"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert post_signed(phone_desk, "/api/sms/status", {"MessageSid": "SM" + "0" * 32,
                                                       "MessageStatus": "delivered"}).status_code == 204
    assert post_signed(phone_desk, "/api/sms/status", {"MessageSid": "SM" + "0" * 32,
                                                       "MessageStatus": "<b>"}).status_code == 422
    assert db.execute("SELECT count(*) FROM contacts WHERE phone = %s", (phone,)).fetchone()[0] == 0


def test_rating_pages_refuse_unknown_links_and_bad_ratings(phone_desk):
    unknown = httpx.get(f"{phone_desk.base}/api/satisfaction/{'x' * 32}?rating=4")
    assert unknown.status_code == 404
    assert httpx.get(f"{phone_desk.base}/api/satisfaction/{'x' * 32}?rating=9").status_code == 422
    refused = httpx.post(f"{phone_desk.base}/api/satisfaction/{'x' * 32}", data={"rating": "7"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/rating"
    assert httpx.post(f"{phone_desk.base}/api/satisfaction/{'x' * 32}", content=b"rating=\xff",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 400


def test_a_rating_link_asks_first_then_keeps_the_rating(phone_desk, agent, db):
    ticket = agent.post("/api/tickets", json={"short_description": "Mouse broken",
                                              "caller": {"name": "Rae", "email": f"rae-{uuid.uuid4().hex[:6]}@example.test"}}).json()
    contact = db.execute("SELECT caller_id, id FROM tickets WHERE number = %s", (ticket["number"],)).fetchone()
    token = uuid.uuid4().hex
    db.execute("INSERT INTO satisfaction (ticket_id, contact_id, token, asked_at) VALUES (%s, %s, %s, now())",
               (contact[1], contact[0], token))
    page = httpx.get(f"{phone_desk.base}/api/satisfaction/{token}?rating=5")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'value="5" checked' in page.text and "Mouse broken" in page.text
    assert db.execute("SELECT rating FROM satisfaction WHERE token = %s", (token,)).fetchone()[0] is None
    done = httpx.post(f"{phone_desk.base}/api/satisfaction/{token}", data={"rating": "5", "comment": "<b>fast</b>"})
    assert done.status_code == 200 and "Gracias" in done.text
    assert db.execute("SELECT rating, comment FROM satisfaction WHERE token = %s", (token,)).fetchone() == (5, "<b>fast</b>")
    assert "ya recibimos" in httpx.get(f"{phone_desk.base}/api/satisfaction/{token}").text.lower()
    summary = agent.get("/api/dashboard/satisfaction").json()
    assert sum(row["answers"] for row in summary["by_group_and_week"]) >= 1


def test_a_contacts_channels_are_set_on_their_word_and_bad_values_refused(phone_desk, agent, db):
    ticket = agent.post("/api/tickets", json={"short_description": "Phone",
                                              "caller": {"name": "Kim", "phone": random_phone()}}).json()
    contact = ticket["caller"]["id"]
    changed = agent.patch(f"/api/contacts/{contact}/channels", json={"sms_opted_out": True,
                                                                     "time_zone": "America/Bogota"})
    assert changed.status_code == 200
    assert (changed.json()["sms_opted_out"], changed.json()["time_zone"]) == (True, "America/Bogota")
    for bad, pointer in (({"time_zone": "Mars/Olympus"}, "/time_zone"), ({"sms_opted_out": "yes"}, "/sms_opted_out"),
                         ({"colour": "red"}, "/colour")):
        refused = agent.patch(f"/api/contacts/{contact}/channels", json=bad)
        assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == pointer, bad
    assert agent.patch("/api/contacts/999999999/channels", json={"email_opted_out": True}).status_code == 404
    assert db.execute("SELECT time_zone FROM contacts WHERE id = %s", (contact,)).fetchone()[0] == "America/Bogota"
    assert agent.get(f"/api/tickets/{ticket['number']}/attachments").json() == {"items": []}
    assert agent.get(f"/api/tickets/{ticket['number']}/attachments/1").status_code == 404


def test_devhosts_sms_simulator_writes_in_and_hears_the_desk(phone_desk, db):
    from devhost.sms import send_to_desk

    phone = random_phone()
    [answer] = send_to_desk(phone_desk.base, phone, "Se cayó la red del tercer piso", auth_token=TOKEN)
    assert answer.startswith("Registramos su incidencia INC")
    [again] = send_to_desk(phone_desk.base, phone, "Sigue sin red", auth_token=TOKEN)
    assert again == f"Añadimos su mensaje a la incidencia {answer.split()[3].rstrip('.')}."
