"""An e-mail as the desk reads it: sender, threading, plain text from HTML, files, and machines' mail."""
from __future__ import annotations

from email.message import EmailMessage

from domain.mail import html_to_text, parse, safe_filename, strip_quoted


def _mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Lucía García <Lucia@Example.test>")
    message["To"] = "desk@atiende.test"
    message["Subject"] = headers.pop("Subject", "La impresora no imprime")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def test_a_plain_message():
    message = _mail(Message_ID="<a1@example.test>", In_Reply_To="<n5@atiende.test>",
                    References="<n1@atiende.test> <n5@atiende.test>")
    message.set_content("Sigue sin imprimir.\n\nEl lun, 7 dic 2026, Atiende escribió:\n> Reinicie la impresora")
    mail = parse(message.as_bytes(), "<fallback>")
    assert (mail.message_id, mail.sender, mail.sender_name) == ("<a1@example.test>", "lucia@example.test", "Lucía García")
    assert mail.text == "Sigue sin imprimir."
    assert mail.answers == ("<n5@atiende.test>", "<n1@atiende.test>")
    assert not mail.automatic and mail.bounce_of is None


def test_html_becomes_text_with_no_markup_or_script():
    text = html_to_text("<html><head><style>p{}</style><script>alert(1)</script></head><body><p>Hola&nbsp;<b>equipo"
                        "</b></p><div>línea 2<br>línea 3</div><img src=x onerror=alert(2)></body></html>")
    assert text == "Hola equipo\n\nlínea 2\nlínea 3"
    message = _mail()
    message.set_content("<p>Only <i>HTML</i></p>", subtype="html")
    assert parse(message.as_bytes(), "<f>").text == "Only HTML"


def test_a_missing_message_id_takes_the_fallback():
    message = _mail()
    message.set_content("x")
    assert parse(message.as_bytes(), "<7.desk@imap/1>").message_id == "<7.desk@imap/1>"


def test_machines_mail_is_recognised():
    for headers in ({"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"List_Id": "<x.lists>"},
                    {"X_Auto_Response_Suppress": "All"}):
        message = _mail(**headers)
        message.set_content("Out of office")
        assert parse(message.as_bytes(), "<f>").automatic, headers
    message = _mail(Auto_Submitted="no")
    message.set_content("a person")
    assert not parse(message.as_bytes(), "<f>").automatic


# A delivery status notification as postfix writes one (RFC 3464), trimmed.
BOUNCE = b"""From: MAILER-DAEMON@example.test (Mail Delivery System)
To: desk@atiende.test
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.test
Final-Recipient: rfc822; nobody@example.test
Action: failed
Status: 5.1.1

--B1
Content-Type: text/rfc822-headers

From: desk@atiende.test
Message-ID: <n9@atiende.test>
Subject: [INC0010012] x

--B1--
"""


def test_a_bounce_names_the_message_it_returns():
    mail = parse(BOUNCE.replace(b"\n", b"\r\n"), "<f>")
    assert mail.bounce_of == "<n9@atiende.test>" and mail.automatic


def test_attachments_keep_a_safe_name():
    message = _mail()
    message.set_content("see file")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="../../etc/pass\"wd.pdf")
    mail = parse(message.as_bytes(), "<f>")
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [("pass_wd.pdf", "application/pdf", b"%PDF-1.4")]
    assert safe_filename("..") == "attachment"


def test_quoted_replies_are_cut_outlook_style_too():
    assert strip_quoted("Gracias\n\nFrom: Atiende <desk@atiende.test>\nSent: today") == "Gracias"
    assert strip_quoted("ok\n-----Original Message-----\nold") == "ok"
    assert strip_quoted("> only quoted") == "> only quoted"
