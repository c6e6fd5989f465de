"""Callers' data: an admin erases a caller (name, phone, e-mail, recordings, transcripts; tickets kept,
anonymized, with a note), and the retention timer's service forgets old recordings and transcripts."""
import secrets
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from domain import bootstrap
from domain.adapters.blobs import AzureBlobs
from domain.calls import Call
from domain.services.callers_data import ERASED, FORGOTTEN, forget_old_recordings
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.integration.conftest import call, sms_to
from tests.random_refs import random_mexican_mobile, random_name, random_phone, random_spanish_phone, random_word

# Every column that can hold words: what an erased caller must be absent from.
_TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY")


@pytest.fixture
def call_with_recording(database_url, azurite, agent):
    """A phone ticket from a caller, with a call holding a stored recording and both transcripts."""
    settings = Settings(DATABASE_URL=database_url, AzureWebJobsStorage=azurite, SEED_DEMO_DATA=False)
    phone = random_phone()
    ticket = agent.post("/api/tickets", json={
        "short_description": random_name("Printer"), "description": "Soy Marta Gil, mi impresora no imprime.",
        "channel": "phone", "caller": {"name": "Marta Gil", "phone": phone, "email": "marta@example.com"}}).json()
    blobs = AzureBlobs(settings)
    name = f"calls/{secrets.token_hex(8)}.wav"
    on_own_loop(blobs.put(settings.RECORDINGS_CONTAINER, name, b"RIFF" + b"\0" * 64, "audio/wav"))
    sid = "CA" + secrets.token_hex(16)

    async def store_call() -> None:
        async with bootstrap.uow(settings) as uow:
            ticket_id = (await uow.tickets.get(ticket["number"])).id
            await uow.calls.start(Call(
                sid=sid, from_phone=ticket["caller"]["phone"], locale="es-ES",
                started_at=datetime.now(UTC) - timedelta(days=40), contact_id=ticket["caller"]["id"],
                speech_text="Soy Marta Gil", transcript="Soy Marta Gil, mi impresora no imprime", recording_blob=name,
                ticket_id=ticket_id))
            await uow.commit()

    on_own_loop(store_call())
    yield settings, blobs, ticket, sid, name
    on_own_loop(blobs.close())


def test_an_admin_erases_a_caller_and_the_tickets_stay_anonymized(admin, agent, db, call_with_recording):
    settings, blobs, ticket, sid, name = call_with_recording
    contact = ticket["caller"]["id"]
    assert agent.post(f"/api/contacts/{contact}/erase").status_code == 403  # agents cannot

    erased = admin.post(f"/api/contacts/{contact}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json() == {"contact_id": contact, "calls": 1, "tickets": 1, "recordings_deleted": 1}
    assert not on_own_loop(blobs.exists(settings.RECORDINGS_CONTAINER, name))
    row = db.execute("SELECT name, phone, email, erased_by FROM contacts WHERE id = %s", (contact,)).fetchone()
    assert row == (None, None, None, "admin@example.com")
    call = db.execute("SELECT from_phone, speech_text, transcript, recording_blob FROM calls WHERE sid = %s",
                      (sid,)).fetchone()
    assert call == ("erased", None, None, None)
    kept = admin.get(f"/api/tickets/{ticket['number']}").json()
    assert kept["short_description"] == ticket["short_description"] and kept["description"] == ERASED
    assert kept["caller"]["name"] is None and kept["caller"]["phone"] is None
    assert kept["version"] == ticket["version"] + 1
    notes = [a["body"] for a in admin.get(f"/api/tickets/{ticket['number']}/activity").json()["items"]
             if a["kind"] == "work_note"]
    assert any("erased by admin@example.com" in n for n in notes)
    audit = db.execute("SELECT count(*) FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id"
                       " WHERE t.number = %s AND (a.old_value LIKE '%%Marta%%' OR a.new_value LIKE '%%Marta%%')",
                       (ticket["number"],)).fetchone()[0]
    assert audit == 0

    again = admin.post(f"/api/contacts/{contact}/erase")  # harmless a second time
    assert again.status_code == 200 and again.json()["recordings_deleted"] == 0
    assert admin.post("/api/contacts/999999999/erase").status_code == 404


def test_retention_forgets_old_recordings_and_transcripts_and_notes_it(db, call_with_recording):
    settings, blobs, ticket, sid, name = call_with_recording
    now = datetime.now(UTC)
    assert on_own_loop(forget_old_recordings(0, now, settings, bootstrap.uow(settings), blobs)) == 0  # 0 keeps them
    assert on_own_loop(forget_old_recordings(60, now, settings, bootstrap.uow(settings), blobs)) == 0  # not old enough
    assert on_own_loop(blobs.exists(settings.RECORDINGS_CONTAINER, name))
    while on_own_loop(forget_old_recordings(30, now, settings, bootstrap.uow(settings), blobs)):
        pass
    assert not on_own_loop(blobs.exists(settings.RECORDINGS_CONTAINER, name))
    call = db.execute("SELECT speech_text, transcript, recording_blob, from_phone FROM calls WHERE sid = %s",
                      (sid,)).fetchone()
    assert call[:3] == (None, None, None) and call[3].startswith("+")  # the call itself is kept
    assert db.execute("SELECT sms_body FROM calls WHERE sid = %s", (sid,)).fetchone()[0] in (None, FORGOTTEN)
    note = db.execute("SELECT body FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id WHERE t.number = %s"
                      " AND a.kind = 'work_note' ORDER BY a.id DESC LIMIT 1", (ticket["number"],)).fetchone()[0]
    assert sid in note and "30 days" in note


def where_found(db, needles: list[str]) -> list[str]:
    """Every table.column in the database holding any of `needles`, in any case."""
    columns = db.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                         " AND data_type = ANY(%s)", (list(_TEXT_TYPES),)).fetchall()
    assert len(columns) > 40  # the scan sees the whole schema, devhost's durable task hub included
    patterns = [f"%{needle}%" for needle in needles]
    found = []
    for table, column in columns:
        query = psycopg.sql.SQL("SELECT {col}::text FROM {table} WHERE {col}::text ILIKE ANY(%s) LIMIT 3").format(
            col=psycopg.sql.Identifier(column), table=psycopg.sql.Identifier(table))
        found += [f"{table}.{column}: {value[:200]}" for (value,) in db.execute(query, (patterns,)).fetchall()]
    return found


def test_an_erased_caller_is_nowhere_in_the_database(phone_desk, saas, admin, agent, db):
    old_form, new_form = random_mexican_mobile()
    first, last = random_word().capitalize(), random_word().capitalize()
    name, email = f"{first} {last}", f"{first.lower()}@example.com"
    word = random_word()
    # Two made-up words: with one, the words this shares with other modules' printer tickets in the same database
    # reach the full-text rule's share, and the first call could join one of those instead.
    problem = f"La impresora {word} {random_word()} del tercer piso no imprime"
    saas.transcript = problem + "."
    # Another caller reports a problem; ours calls about the same one (in the old +52 1 form) and joins it.
    theirs = call(phone_desk, random_spanish_phone(), problem)
    ours = call(phone_desk, old_form, problem)
    assert ours.call["joined_existing"] and ours.call["ticket"] == theirs.call["ticket"]
    saas.transcript = f"El teléfono {word} de recepción no tiene tono."
    own = call(phone_desk, new_form, f"El teléfono {word} de recepción no tiene tono")
    assert not own.call["joined_existing"] and sms_to(saas, new_form)
    # The desk learns their name, and writes it and their number where agents write.
    typed = agent.post("/api/tickets", json={
        "short_description": f"{name} cannot open the shared folder", "description": f"{name} called from {old_form}",
        "caller": {"name": name, "phone": new_form, "email": email}}).json()
    contact = typed["caller"]["id"]
    assert own.call["caller"]["id"] == contact
    # The ticket keeps the name given on it; the contact learns it, and the e-mail, only when named on purpose.
    assert typed["caller"]["name"] == name and typed["caller"]["contact_name"] is None
    assert agent.patch(f"/api/contacts/{contact}", json={"name": name, "email": email}).status_code == 200
    assert agent.post(f"/api/tickets/{own.call['ticket']}/comments",
                      json={"body": f"Hola {first}, ya lo miramos."}).status_code == 201
    assert agent.post(f"/api/tickets/{theirs.call['ticket']}/comments", json={
        "body": f"Called {name} back on {new_form} ({email}).", "visibility": "internal"}).status_code == 201
    renamed = agent.patch(f"/api/tickets/{typed['number']}", json={"short_description": f"Folder access for {first}"},
                          headers={"If-Match": f'"{typed["version"]}"'})
    assert renamed.status_code == 200, renamed.text
    national = new_form.removeprefix("+52")
    traces = [old_form, new_form, national, name, first, last, email]
    assert where_found(db, traces)  # before: the scan finds them

    erased = admin.post(f"/api/contacts/{contact}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json()["calls"] == 2 and erased.json()["tickets"] == 3

    assert where_found(db, traces) == []
    for result in (ours, own):
        kept = agent.get(f"/api/calls/{result.sid}").json()
        assert kept["from_phone"] == "erased" and kept["sms"]["body"] == ERASED  # never a null in the call panel
    work = [a["body"] for a in agent.get(f"/api/tickets/{theirs.call['ticket']}/activity").json()["items"]]
    assert "Called [erased] back on [erased] ([erased])." in work
    assert agent.get(f"/api/tickets/{typed['number']}").json()["short_description"] == "Folder access for [erased]"
    # The other caller keeps what is theirs.
    assert agent.get(f"/api/tickets/{theirs.call['ticket']}").json()["caller"]["phone"] == theirs.call["from_phone"]
