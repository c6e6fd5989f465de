"""Fill a database with N realistic synthetic tickets for scale tests: callers, groups, categories, a year of
history in the states a real desk has, and activity. Done in PostgreSQL with generate_series, so a million
tickets take a minute or two rather than an hour of round trips; setseed makes every fill the same.

    .venv/bin/python -m devhost fill --tickets 1000000 [--database-url ...]
"""
from __future__ import annotations

import time

import psycopg

GROUPS = ["Service Desk", "Redes", "Hardware", "Aplicaciones", "Accesos e identidad", "Seguridad", "Telefonía"]
CATEGORIES = {
    "Red": ["VPN", "Wi-Fi", "Cableado"], "Hardware": ["Portátil", "Impresora", "Monitor"],
    "Software": ["Correo", "Office", "ERP"], "Accesos": ["Contraseña", "Permisos", "MFA"],
    "Telefonía": ["Móvil", "Centralita"], "Seguridad": ["Phishing", "Malware"],
    "Almacenamiento": ["Carpeta compartida", "Copias"], "Instalaciones": ["Acceso físico", "Climatización"],
}
# What callers say, per category, in both languages: enough variety for search and sorting to mean something.
PROBLEMS = {
    "Red": ["No puedo conectarme a la VPN desde casa", "La wifi de la planta {n} va muy lenta",
            "VPN keeps disconnecting every few minutes", "No network on desk {n}"],
    "Hardware": ["La impresora de la planta {n} no imprime", "Mi portátil no enciende",
                 "Monitor flickers after lunch", "Printer on floor {n} jams constantly"],
    "Software": ["Outlook no sincroniza el correo", "Excel se cierra al abrir un archivo grande",
                 "The ERP shows error {n} when saving an invoice", "Teams crashes when sharing my screen"],
    "Accesos": ["Me ha caducado la contraseña", "No tengo permiso para la carpeta de marketing",
                "Locked out of my account after {n} attempts", "MFA codes do not arrive on my new phone"],
    "Telefonía": ["El móvil de empresa no recibe llamadas", "La centralita corta las llamadas entrantes",
                  "Voicemail is full and cannot be emptied", "Desk phone {n} shows no line"],
    "Seguridad": ["He recibido un correo sospechoso que pide mi clave", "El antivirus ha bloqueado un archivo",
                  "Clicked a phishing link and entered my password", "Pop-up ads keep appearing on my laptop"],
    "Almacenamiento": ["Borré sin querer un documento de la carpeta compartida", "La unidad de red está llena",
                       "Need a file restored from last week's backup", "Shared drive {n} is read-only"],
    "Instalaciones": ["Mi tarjeta no abre la puerta de la oficina", "Hace mucho calor en la sala {n}",
                      "The air conditioning leaks in room {n}", "Badge reader at the main entrance is dead"],
}
FIRST = ["Lucía", "Pablo", "Marta", "Javier", "Carmen", "Diego", "Ana", "Luis", "Sofía", "Carlos", "Emma", "James",
         "Olivia", "Noah", "Grace", "Daniel"]
LAST = ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Smith", "Johnson",
        "Brown", "Taylor", "Wilson", "Davies"]
AGENTS = [f"agent{i}@atiende.example" for i in range(1, 41)]


def fill(database_url: str, tickets: int, seed: float = 0.42, progress=print) -> float:
    """Add `tickets` tickets (and their callers and activity) to a migrated database; returns the seconds taken."""
    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT setseed(%s)", (seed,))
        for name in GROUPS:
            conn.execute("INSERT INTO assignment_groups (name) VALUES (%s) ON CONFLICT (name) DO NOTHING", (name,))
        for name, subs in CATEGORIES.items():
            conn.execute("INSERT INTO categories (name, subcategories) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                         (name, subs))
        callers = max(10, tickets // 8)
        conn.execute(
            """
            INSERT INTO contacts (name, phone, language)
            SELECT (%(first)s::text[])[1 + (i * 7) %% array_length(%(first)s::text[], 1)] || ' '
                   || (%(last)s::text[])[1 + (i * 13) %% array_length(%(last)s::text[], 1)],
                   CASE WHEN i %% 3 = 0 THEN '+1415' || lpad((5550000 + i)::text, 7, '0')
                        ELSE '+346' || lpad((10000000 + i)::text, 8, '0') END,
                   CASE WHEN i %% 3 = 0 THEN 'en' ELSE 'es' END
            FROM generate_series(1, %(n)s) i
            ON CONFLICT (phone) DO NOTHING
            """, {"first": FIRST, "last": LAST, "n": callers})
        progress(f"{callers} callers")
        problems = [(category, text) for category, texts in PROBLEMS.items() for text in texts]
        conn.execute(
            """
            CREATE TEMP TABLE fill_problems AS
            SELECT row_number() OVER () AS k, c.id AS category_id, p.text, c.subcategories
            FROM unnest(%s::text[], %s::text[]) AS p(category, text) JOIN categories c ON c.name = p.category
            """, ([c for c, _ in problems], [t for _, t in problems]))
        conn.execute("CREATE TEMP TABLE fill_groups AS SELECT row_number() OVER (ORDER BY id) AS k, id FROM assignment_groups")
        conn.execute("CREATE TEMP TABLE fill_callers AS SELECT row_number() OVER (ORDER BY id) AS k, id FROM contacts")
        conn.execute(_TICKETS, {"n": tickets, "agents": AGENTS, "problems": len(problems)})
        progress(f"{tickets} tickets")
        conn.execute(_ACTIVITY)
        progress("activity")
        # As autovacuum would leave a settled desk: statistics, and the visibility map that index-only scans need.
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


# A year of tickets, newest last. States as a desk that keeps up has them: most closed, some resolved, a working
# set open; each random draw is its own column so the states, priorities and groups do not move together.
_TICKETS = """
WITH draws AS (
    SELECT i, random() AS r_state, random() AS r_age, 1 + floor(random() * 3)::int AS impact,
           1 + floor(random() * 3)::int AS urgency, 1 + floor(random() * %(problems)s)::int AS problem,
           random() AS r_group, random() AS r_caller, random() AS r_agent, random() AS r_channel, random() AS r_hours
    FROM generate_series(1, %(n)s) i
), shaped AS (
    SELECT d.*, nextval('ticket_number_seq') AS seq, now() - (interval '365 days') * power(1 - i::float / %(n)s, 1.0) - interval '1 minute' * r_age AS opened,
           CASE WHEN i > %(n)s * 0.97 THEN (ARRAY[1, 1, 2, 2, 3])[1 + floor(r_state * 5)::int]
                WHEN r_state < 0.80 THEN 7 WHEN r_state < 0.92 THEN 6 WHEN r_state < 0.95 THEN 8
                ELSE (ARRAY[1, 2, 3])[1 + floor((r_state - 0.95) * 60)::int %% 3 + 0] END AS state
    FROM draws d
)
INSERT INTO tickets (number, state, on_hold_reason, impact, urgency, priority, short_description, description,
                     caller_id, category_id, subcategory, channel, assignment_group_id, assigned_to, close_code,
                     close_notes, opened_at, opened_by, updated_at, updated_by, resolved_at, resolved_by, closed_at,
                     closed_by, responded_at)
SELECT 'INC' || lpad(s.seq::text, greatest(7, length(s.seq::text)), '0'), s.state,
       CASE WHEN s.state = 3 THEN 'awaiting_caller' END,
       s.impact, s.urgency, s.impact + s.urgency - 1,
       replace(p.text, '{n}', (1 + s.i %% 40)::text),
       'Reported by phone. ' || replace(p.text, '{n}', (1 + s.i %% 40)::text) || '. It started this morning.',
       c.id, p.category_id, p.subcategories[1 + s.i %% array_length(p.subcategories, 1)],
       (ARRAY['phone', 'phone', 'web', 'email', 'api'])[1 + floor(s.r_channel * 5)::int],
       g.id, CASE WHEN s.state <> 1 THEN (%(agents)s::text[])[1 + floor(s.r_agent * 40)::int] END,
       CASE WHEN s.state IN (6, 7) THEN 'solved_remotely' END,
       CASE WHEN s.state IN (6, 7) THEN 'Fixed remotely and confirmed with the caller.' END,
       s.opened, 'fill', s.opened + interval '1 hour' * s.r_hours * 30, 'fill',
       CASE WHEN s.state IN (6, 7) THEN s.opened + interval '1 hour' * s.r_hours * 30 END,
       CASE WHEN s.state IN (6, 7) THEN (%(agents)s::text[])[1 + floor(s.r_agent * 40)::int] END,
       CASE WHEN s.state IN (7, 8) THEN s.opened + interval '1 hour' * (s.r_hours * 30 + 72) END,
       CASE WHEN s.state IN (7, 8) THEN 'fill' END,
       CASE WHEN s.state <> 1 THEN s.opened + interval '1 minute' * s.r_hours * 60 END
FROM shaped s
JOIN fill_problems p ON p.k = s.problem
JOIN fill_groups g ON g.k = 1 + floor(s.r_group * (SELECT count(*) FROM fill_groups))::int
JOIN fill_callers c ON c.k = 1 + floor(s.r_caller * (SELECT count(*) FROM fill_callers))::int
ORDER BY s.i
"""

# Every filled ticket's creation, and a comment and a state change on the ones that were worked.
_ACTIVITY = """
INSERT INTO ticket_activity (ticket_id, kind, actor, body, field, old_value, new_value, created_at)
SELECT id, 'audit', 'fill', NULL, 'state', NULL, 'new', opened_at FROM tickets WHERE opened_by = 'fill'
UNION ALL
SELECT id, 'comment', coalesce(assigned_to, 'fill'), 'We are looking into it.', NULL, NULL, NULL,
       opened_at + interval '10 minutes'
FROM tickets WHERE opened_by = 'fill' AND state <> 1
UNION ALL
SELECT id, 'audit', coalesce(resolved_by, 'fill'), NULL, 'state', 'in_progress', 'resolved', resolved_at
FROM tickets WHERE opened_by = 'fill' AND resolved_at IS NOT NULL
"""
