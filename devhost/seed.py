"""Demo data for a first run: groups, categories and tickets in Spanish and English, in every state."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from domain.auth import ROLE_PERMISSIONS, Principal
from domain.schemas.reference import CategoryIn, GroupIn, MemberIn
from domain.schemas.tickets import CommentIn, TicketCreate, TicketPatch
from domain.services import reference, tickets
from domain.settings import Settings
from domain.store.uow import UnitOfWork

log = logging.getLogger(__name__)

GROUPS = ["Service Desk", "Redes", "Hardware", "Aplicaciones", "Accesos e identidad"]
# The demo's agents, in every group: the tickets below are assigned to them, and "Assigned to" offers them.
AGENTS = {"ana.lopez@atiende.local": "Ana López", "agent@atiende.local": "Alex Agent"}
CATEGORIES = {
    "Hardware": ["Laptop", "Impresora", "Monitor", "Teléfono"],
    "Red": ["Wi-Fi", "VPN", "Cableado"],
    "Software": ["Correo", "ERP", "Office", "Navegador"],
    "Accesos": ["Contraseña", "Permisos", "MFA"],
}
CALLERS = [
    ("María González", "+34 612 345 678", "maria.gonzalez@example.com", "es"),
    ("Carlos Ramírez", "+52 55 1234 5678", "carlos.ramirez@example.com", "es"),
    ("Lucía Fernández", "+34 699 111 222", None, "es"),
    ("John Carter", "+1 415 555 0134", "john.carter@example.com", "en"),
    ("Emily Nguyen", "+1 212 555 0187", "emily.nguyen@example.com", "en"),
    ("Jorge Herrera", "+57 310 555 0199", None, "es"),
]
# short description, description, category, subcategory, impact, urgency, group, caller index, channel
TICKETS = [
    ("No puedo conectarme a la VPN desde casa", "Desde esta mañana la VPN da error de autenticación al conectar.",
     "Red", "VPN", 2, 1, "Redes", 0, "phone"),
    ("La impresora del segundo piso no imprime", "La impresora HP del pasillo muestra 'atasco de papel' pero no hay papel atascado.",
     "Hardware", "Impresora", 3, 2, "Hardware", 1, "phone"),
    ("Outlook keeps asking for my password", "Since the update last night Outlook prompts for credentials every few minutes.",
     "Software", "Correo", 3, 2, "Aplicaciones", 3, "web"),
    ("El ERP va muy lento en facturación", "Generar una factura tarda más de dos minutos; afecta a todo el equipo de facturación.",
     "Software", "ERP", 1, 2, "Aplicaciones", 1, "phone"),
    ("Laptop screen flickers", "The laptop display flickers when the lid is moved. Model ThinkPad T14.",
     "Hardware", "Laptop", 3, 3, "Hardware", 4, "email"),
    ("Olvidé mi contraseña y la cuenta está bloqueada", "Intenté varias veces y ahora la cuenta aparece bloqueada.",
     "Accesos", "Contraseña", 3, 1, "Accesos e identidad", 2, "phone"),
    ("Wi-Fi drops in meeting room B", "Every call in meeting room B drops after about ten minutes.",
     "Red", "Wi-Fi", 2, 2, "Redes", 4, "web"),
    ("Necesito acceso a la carpeta de Recursos Humanos", "Me cambiaron de área y necesito permisos de lectura en la carpeta compartida.",
     "Accesos", "Permisos", 3, 3, "Accesos e identidad", 5, "api"),
    ("Email server down for the whole sales floor", "Nobody on the sales floor can send or receive email since 9:05.",
     "Software", "Correo", 1, 1, "Aplicaciones", 3, "phone"),
    ("El monitor no enciende", "El monitor externo no enciende; la luz de encendido parpadea en naranja.",
     "Hardware", "Monitor", 3, 3, "Hardware", 0, "phone"),
    ("MFA codes not arriving by SMS", "I am not receiving the sign-in codes on my phone.",
     "Accesos", "MFA", 2, 1, "Accesos e identidad", 4, "phone"),
    ("Excel se cierra al abrir archivos grandes", "Al abrir el reporte mensual (80 MB) Excel se cierra sin mensaje.",
     "Software", "Office", 3, 2, "Aplicaciones", 2, "web"),
    ("Desk phone has no dial tone", "The desk phone at reception has no dial tone since this morning.",
     "Hardware", "Teléfono", 2, 2, "Service Desk", 3, "phone"),
    ("Cable de red dañado en la sala de juntas", "El cable de red de la sala 3 está pelado y no da conexión.",
     "Red", "Cableado", 3, 3, "Redes", 5, "email"),
    ("Browser blocks the intranet certificate", "Chrome shows a certificate warning on the intranet home page.",
     "Software", "Navegador", 2, 3, "Aplicaciones", 4, "web"),
]
# What happens to each ticket after it is opened, by index: (state, extra fields, comment)
STORIES = {
    0: ("in_progress", {"assigned_to": "ana.lopez@atiende.local"}, "Estamos revisando el certificado de la VPN."),
    2: ("on_hold", {"on_hold_reason": "awaiting_caller"}, "Could you tell us which Outlook version you have?"),
    3: ("in_progress", {"assigned_to": "agent@atiende.local"}, "Escalado al proveedor del ERP."),
    4: ("resolved", {"close_code": "solved_permanently", "close_notes": "Replaced the display cable."}, None),
    5: ("resolved", {"close_code": "solved_remotely", "close_notes": "Cuenta desbloqueada y contraseña restablecida."}, None),
    7: ("canceled", {}, None),
    8: ("in_progress", {"assigned_to": "agent@atiende.local"}, "Mail relay restarted; monitoring."),
    10: ("on_hold", {"on_hold_reason": "awaiting_vendor"}, "Waiting on the SMS provider."),
}


async def seed_if_empty(settings: Settings, make_uow: Callable[[], UnitOfWork]) -> bool:
    """Load the demo data once: only into a database with no groups and no tickets. Returns whether it did."""
    async with make_uow() as uow:
        empty = not await uow.reference.groups() and (await uow.db.one("SELECT NOT EXISTS (SELECT 1 FROM tickets)"))[0]
    if not empty:
        return False
    admin = Principal("seed@atiende.local", "user", ROLE_PERMISSIONS["admin"], frozenset({"admin"}))
    for name in GROUPS:
        group = await reference.add_group(GroupIn(name=name), make_uow())
        for user_name, display_name in AGENTS.items():
            await reference.put_member(group.id, MemberIn(user_name=user_name, display_name=display_name), make_uow())
    for name, subs in CATEGORIES.items():
        await reference.add_category(CategoryIn(name=name, subcategories=subs), make_uow())
    start = datetime.now(UTC) - timedelta(days=3)
    for index, (short, long, cat, sub, impact, urgency, group, caller, channel) in enumerate(TICKETS):
        name, phone, email, language = CALLERS[caller]
        data = TicketCreate.model_validate({
            "short_description": short, "description": long, "category": cat, "subcategory": sub,
            "impact": impact, "urgency": urgency, "assignment_group": group, "channel": channel,
            "caller": {"name": name, "phone": phone, "email": email, "language": language},
        }, strict=False)
        opened = start + timedelta(hours=4 * index)
        _, ticket, _ = await tickets.create_ticket(data, admin, None, opened, settings, make_uow())
        story = STORIES.get(index)
        if story is None:
            continue
        state, extra, comment = story
        later = opened + timedelta(minutes=35)
        if comment:
            await tickets.add_comment(ticket["number"], CommentIn(body=comment), admin, later, make_uow())
            ticket["version"] += 1
        patch = TicketPatch.model_validate({"state": state, **extra}, strict=False)
        await tickets.update_ticket(ticket["number"], patch, ticket["version"], admin, later + timedelta(minutes=5), make_uow())
    log.info("seeded %s demo tickets", len(TICKETS))
    return True
