/** Spanish and English strings for the agent app, and the helpers that apply them. */

const STRINGS = {
  en: {
    'action.assign_to_me': 'Assign to me',
    'list.previous': 'Previous page', 'list.page_size': 'Rows per page', 'list.count': '{start}–{end} of {total}',
    'nav.articles': 'Knowledge', 'kb.title': 'Knowledge base', 'kb.search': 'Search articles', 'kb.new': 'New article', 'kb.empty': 'No articles match.',
    'kb.field.title': 'Title', 'kb.field.language': 'Language', 'kb.field.state': 'State', 'kb.field.body': 'Body (Markdown)',
    'kb.state.draft': 'Draft', 'kb.state.published': 'Published', 'kb.back': 'Back to the knowledge base', 'kb.new_title': 'New article',
    'kb.suggested': 'Articles that may help', 'kb.none': 'No published article matches yet.', 'kb.from_ticket': 'Write an article from this ticket',
    'kb.meta': '{state} · {language} · updated {when} by {who}', 'kb.saved': 'Article saved.',
    'triage.title': 'Suggestions from similar tickets', 'triage.accept': 'Accept', 'triage.accept_all': 'Accept all',
    'triage.candidates': 'It may already be reported', 'triage.unsure': 'Similar tickets do not agree enough to suggest fields.',
    'triage.unavailable': 'Suggestions are unavailable right now.', 'triage.summary': 'Summary: ',
    'similar.title': 'Similar tickets', 'similar.none': 'No similar tickets yet.', 'similar.unavailable': 'Similar tickets are unavailable right now.',
    'similar.mark_duplicate': 'Mark this ticket a duplicate of it', 'similar.resolution': 'Resolved: ', 'similar.match': 'match',
    'nav.calls': 'Calls', 'calls.title': 'Phone calls', 'calls.started': 'Started', 'calls.from': 'Caller', 'calls.language': 'Language',
    'calls.status': 'Status', 'calls.ticket': 'Ticket', 'calls.pipeline': 'Pipeline', 'calls.joined': 'joined an open ticket', 'calls.review': 'needs review',
    'calls.needs_review': 'Only calls that need review', 'calls.empty': 'No calls yet.', 'calls.panel': 'Phone calls',
    'calls.live': 'Live transcript (Twilio)', 'calls.recorded': 'Recording transcript', 'calls.sms': 'SMS', 'calls.none': '—',
    'calls.confidence': 'confidence', 'calls.review_reason': 'Needs review: ', 'calls.intent.report': 'reported a problem', 'calls.intent.status': 'asked for a status',
    'pipeline.running': 'Running', 'pipeline.completed': 'Completed', 'pipeline.failed': 'Failed',
    'step.started': 'Started', 'step.wait_recording': 'Waiting for the recording', 'step.store_recording': 'Recording stored', 'step.transcribe': 'Transcribed',
    'step.analyze': 'Analyzed', 'step.find_duplicate': 'Looked for the same problem', 'step.create_or_join': 'Ticket made or joined', 'step.notify': 'Caller notified',
    'step.improve_ticket': 'Ticket improved', 'step.review': 'Marked for review', 'step.done': 'Done',
    'sms.sent': 'sent', 'sms.not_configured': 'not sent: Twilio is not configured', 'sms.no_phone': 'no phone number',
    'simulate.title': 'Simulate a call', 'simulate.hint': 'This machine plays Twilio: the caller\'s words go through the same webhooks and pipeline as a real call.',
    'simulate.from': 'Caller\'s phone', 'simulate.lang': 'Language', 'simulate.say': 'What the caller says', 'simulate.hang_up_early': 'Hangs up while speaking',
    'simulate.silent': 'Says nothing', 'simulate.start': 'Call', 'simulate.heard': 'The caller hears:', 'simulate.ticket': 'Ticket heard: ',
    'view.mine': 'Assigned to me', 'view.unassigned': 'Unassigned', 'view.open': 'Open', 'view.resolved': 'Resolved', 'view.all': 'All',
    'action.new': 'New', 'action.filter': 'Filter', 'action.save': 'Save', 'action.back': 'Back to list', 'action.post': 'Post', 'action.create': 'Create',
    'nav.api': 'API', 'nav.logout': 'Sign out',
    'filter.search': 'Search tickets', 'filter.anyState': 'Any state', 'filter.anyPriority': 'Any priority', 'filter.anyGroup': 'Any group',
    'field.number': 'Number', 'field.opened_at': 'Opened', 'field.short_description': 'Short description', 'field.caller': 'Caller',
    'field.caller_phone': 'Caller phone', 'field.priority': 'Priority', 'field.state': 'State', 'field.category': 'Category',
    'field.subcategory': 'Subcategory', 'field.channel': 'Channel', 'field.assignment_group': 'Assignment group',
    'field.assigned_to': 'Assigned to', 'field.updated_at': 'Updated', 'field.on_hold_reason': 'On hold reason',
    'field.impact': 'Impact', 'field.urgency': 'Urgency', 'field.parent': 'Parent', 'field.description': 'Description',
    'field.close_code': 'Resolution code', 'field.close_notes': 'Resolution notes',
    'list.empty': 'No tickets match.', 'list.first': 'First page', 'list.next': 'Next page',
    'form.new': 'New ticket', 'form.saved': 'Saved.', 'form.stale': 'Someone else changed this ticket; it has been reloaded. Make your change again.',
    'sla.name': 'SLA', 'sla.stage': 'Stage', 'sla.elapsed': 'Elapsed', 'sla.breach_at': 'Breach time', 'sla.response': 'Response', 'sla.resolution': 'Resolution',
    'sla.in_progress': 'In progress', 'sla.paused': 'Paused', 'sla.completed': 'Completed', 'sla.canceled': 'Canceled', 'sla.breached': 'breached',
    'activity.title': 'Activity', 'activity.comment': 'Additional comment (caller sees it)', 'activity.work_note': 'Work note (internal)',
    'kind.comment': 'commented', 'kind.work_note': 'added a work note', 'kind.audit': 'changed',
    'state.new': 'New', 'state.in_progress': 'In Progress', 'state.on_hold': 'On Hold', 'state.resolved': 'Resolved', 'state.closed': 'Closed', 'state.canceled': 'Canceled',
    'priority.1': '1 - Critical', 'priority.2': '2 - High', 'priority.3': '3 - Moderate', 'priority.4': '4 - Low', 'priority.5': '5 - Planning',
    'level.1': '1 - High', 'level.2': '2 - Medium', 'level.3': '3 - Low',
    'channel.phone': 'Phone', 'channel.web': 'Web', 'channel.email': 'Email', 'channel.api': 'API',
    'hold.awaiting_caller': 'Awaiting caller', 'hold.awaiting_change': 'Awaiting change', 'hold.awaiting_problem': 'Awaiting problem', 'hold.awaiting_vendor': 'Awaiting vendor',
    'close.solved_permanently': 'Solved (permanently)', 'close.solved_workaround': 'Solved (work around)', 'close.solved_remotely': 'Solved remotely',
    'close.not_solved_not_reproducible': 'Not solved (not reproducible)', 'close.not_solved_too_costly': 'Not solved (too costly)', 'close.resolved_by_caller': 'Resolved by caller',
  },
  es: {
    'action.assign_to_me': 'Asignarme',
    'list.previous': 'Página anterior', 'list.page_size': 'Filas por página', 'list.count': '{start}–{end} de {total}',
    'nav.articles': 'Conocimiento', 'kb.title': 'Base de conocimiento', 'kb.search': 'Buscar artículos', 'kb.new': 'Nuevo artículo', 'kb.empty': 'Ningún artículo coincide.',
    'kb.field.title': 'Título', 'kb.field.language': 'Idioma', 'kb.field.state': 'Estado', 'kb.field.body': 'Cuerpo (Markdown)',
    'kb.state.draft': 'Borrador', 'kb.state.published': 'Publicado', 'kb.back': 'Volver a la base de conocimiento', 'kb.new_title': 'Nuevo artículo',
    'kb.suggested': 'Artículos que pueden ayudar', 'kb.none': 'Aún no hay artículos publicados que coincidan.', 'kb.from_ticket': 'Escribir un artículo a partir de este ticket',
    'kb.meta': '{state} · {language} · actualizado {when} por {who}', 'kb.saved': 'Artículo guardado.',
    'triage.title': 'Sugerencias de tickets similares', 'triage.accept': 'Aceptar', 'triage.accept_all': 'Aceptar todo',
    'triage.candidates': 'Puede que ya esté reportado', 'triage.unsure': 'Los tickets similares no coinciden lo bastante para sugerir campos.',
    'triage.unavailable': 'Las sugerencias no están disponibles ahora.', 'triage.summary': 'Resumen: ',
    'similar.title': 'Tickets similares', 'similar.none': 'Aún no hay tickets similares.', 'similar.unavailable': 'Los tickets similares no están disponibles ahora.',
    'similar.mark_duplicate': 'Marcar este ticket como duplicado de ese', 'similar.resolution': 'Resuelto: ', 'similar.match': 'de parecido',
    'nav.calls': 'Llamadas', 'calls.title': 'Llamadas', 'calls.started': 'Inicio', 'calls.from': 'Solicitante', 'calls.language': 'Idioma',
    'calls.status': 'Estado', 'calls.ticket': 'Ticket', 'calls.pipeline': 'Proceso', 'calls.joined': 'se unió a un ticket abierto', 'calls.review': 'revisar',
    'calls.needs_review': 'Solo llamadas por revisar', 'calls.empty': 'Aún no hay llamadas.', 'calls.panel': 'Llamadas',
    'calls.live': 'Transcripción en directo (Twilio)', 'calls.recorded': 'Transcripción de la grabación', 'calls.sms': 'SMS', 'calls.none': '—',
    'calls.confidence': 'confianza', 'calls.review_reason': 'Por revisar: ', 'calls.intent.report': 'reportó un problema', 'calls.intent.status': 'consultó un estado',
    'pipeline.running': 'En curso', 'pipeline.completed': 'Completado', 'pipeline.failed': 'Fallido',
    'step.started': 'Iniciado', 'step.wait_recording': 'Esperando la grabación', 'step.store_recording': 'Grabación guardada', 'step.transcribe': 'Transcrita',
    'step.analyze': 'Analizada', 'step.find_duplicate': 'Buscado el mismo problema', 'step.create_or_join': 'Ticket creado o unido', 'step.notify': 'Solicitante avisado',
    'step.improve_ticket': 'Ticket mejorado', 'step.review': 'Marcado para revisar', 'step.done': 'Terminado',
    'sms.sent': 'enviado', 'sms.not_configured': 'no enviado: Twilio no está configurado', 'sms.no_phone': 'sin número de teléfono',
    'simulate.title': 'Simular una llamada', 'simulate.hint': 'Esta máquina hace de Twilio: las palabras del solicitante pasan por los mismos webhooks y el mismo proceso que una llamada real.',
    'simulate.from': 'Teléfono del solicitante', 'simulate.lang': 'Idioma', 'simulate.say': 'Lo que dice el solicitante', 'simulate.hang_up_early': 'Cuelga mientras habla',
    'simulate.silent': 'No dice nada', 'simulate.start': 'Llamar', 'simulate.heard': 'El solicitante oye:', 'simulate.ticket': 'Ticket oído: ',
    'view.mine': 'Asignados a mí', 'view.unassigned': 'Sin asignar', 'view.open': 'Abiertos', 'view.resolved': 'Resueltos', 'view.all': 'Todos',
    'action.new': 'Nuevo', 'action.filter': 'Filtrar', 'action.save': 'Guardar', 'action.back': 'Volver a la lista', 'action.post': 'Publicar', 'action.create': 'Crear',
    'nav.api': 'API', 'nav.logout': 'Cerrar sesión',
    'filter.search': 'Buscar tickets', 'filter.anyState': 'Cualquier estado', 'filter.anyPriority': 'Cualquier prioridad', 'filter.anyGroup': 'Cualquier grupo',
    'field.number': 'Número', 'field.opened_at': 'Abierto', 'field.short_description': 'Descripción breve', 'field.caller': 'Solicitante',
    'field.caller_phone': 'Teléfono del solicitante', 'field.priority': 'Prioridad', 'field.state': 'Estado', 'field.category': 'Categoría',
    'field.subcategory': 'Subcategoría', 'field.channel': 'Canal', 'field.assignment_group': 'Grupo de asignación',
    'field.assigned_to': 'Asignado a', 'field.updated_at': 'Actualizado', 'field.on_hold_reason': 'Motivo de espera',
    'field.impact': 'Impacto', 'field.urgency': 'Urgencia', 'field.parent': 'Ticket padre', 'field.description': 'Descripción',
    'field.close_code': 'Código de resolución', 'field.close_notes': 'Notas de resolución',
    'list.empty': 'Ningún ticket coincide.', 'list.first': 'Primera página', 'list.next': 'Página siguiente',
    'form.new': 'Nuevo ticket', 'form.saved': 'Guardado.', 'form.stale': 'Otra persona cambió este ticket; se ha recargado. Vuelve a hacer tu cambio.',
    'sla.name': 'SLA', 'sla.stage': 'Etapa', 'sla.elapsed': 'Transcurrido', 'sla.breach_at': 'Vencimiento', 'sla.response': 'Respuesta', 'sla.resolution': 'Resolución',
    'sla.in_progress': 'En curso', 'sla.paused': 'En pausa', 'sla.completed': 'Completado', 'sla.canceled': 'Cancelado', 'sla.breached': 'incumplido',
    'activity.title': 'Actividad', 'activity.comment': 'Comentario adicional (lo ve el solicitante)', 'activity.work_note': 'Nota de trabajo (interna)',
    'kind.comment': 'comentó', 'kind.work_note': 'añadió una nota de trabajo', 'kind.audit': 'cambió',
    'state.new': 'Nuevo', 'state.in_progress': 'En curso', 'state.on_hold': 'En espera', 'state.resolved': 'Resuelto', 'state.closed': 'Cerrado', 'state.canceled': 'Cancelado',
    'priority.1': '1 - Crítica', 'priority.2': '2 - Alta', 'priority.3': '3 - Moderada', 'priority.4': '4 - Baja', 'priority.5': '5 - Planificación',
    'level.1': '1 - Alta', 'level.2': '2 - Media', 'level.3': '3 - Baja',
    'channel.phone': 'Teléfono', 'channel.web': 'Web', 'channel.email': 'Correo', 'channel.api': 'API',
    'hold.awaiting_caller': 'Esperando al solicitante', 'hold.awaiting_change': 'Esperando un cambio', 'hold.awaiting_problem': 'Esperando un problema', 'hold.awaiting_vendor': 'Esperando al proveedor',
    'close.solved_permanently': 'Resuelto (permanente)', 'close.solved_workaround': 'Resuelto (solución temporal)', 'close.solved_remotely': 'Resuelto en remoto',
    'close.not_solved_not_reproducible': 'No resuelto (no reproducible)', 'close.not_solved_too_costly': 'No resuelto (demasiado costoso)', 'close.resolved_by_caller': 'Resuelto por el solicitante',
  },
};

let language = localStorage.getItem('atiende.language') || (navigator.language.startsWith('es') ? 'es' : 'en');

/** @returns {string} the current language code, "es" or "en" */
export function currentLanguage() { return language; }

/** Switch language and remember it. */
export function setLanguage(code) {
  language = code in STRINGS ? code : 'en';
  localStorage.setItem('atiende.language', language);
  document.documentElement.lang = language;
}

/** The text for a key in the current language (the key itself when none). */
export function t(key) { return STRINGS[language][key] ?? STRINGS.en[key] ?? key; }

/** Fill every `data-i18n` element's text and every `data-i18n-placeholder` below root. */
export function translate(root) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder)); });
}

/** A whole number grouped as the agent's language writes it (1,204 or 1204). */
export function formatNumber(value) { return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-US').format(value); }

/** A date and time in the agent's language and time zone. */
export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language === 'es' ? 'es-ES' : 'en-US', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}
