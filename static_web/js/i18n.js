/** Spanish and English strings for the agent app, and the helpers that apply them. */

const STRINGS = {
  en: {
    'admin.callers': 'Callers\' data', 'admin.callers_hint': 'Erasing a caller removes their name, phone, e-mail, call recordings and transcripts. Their tickets stay, anonymized, with a note.',
    'admin.find': 'Find', 'admin.no_caller': 'No caller has that number.', 'admin.caller_found': '{name} · {phone} · contact {id}', 'admin.erase_confirm': 'I understand this cannot be undone',
    'admin.erase': 'Erase this caller', 'admin.erased': 'Erased: {calls} calls, {tickets} tickets anonymized, {recordings} recordings deleted.',
    'crumbs.title': 'Filters', 'crumbs.all': 'All tickets', 'crumbs.remove': 'Remove filter: {what}', 'crumbs.name': 'Name for this filter', 'crumbs.save': 'Save filter',
    'crumbs.mine': 'My filters', 'crumbs.delete': 'Delete saved filter {name}', 'crumbs.view': 'View', 'crumbs.q': 'Search', 'field.q': 'Search',
    'activity.write': 'Comment or work note', 'activity.show': 'Show', 'activity.all': 'Everything', 'activity.comments': 'Comments', 'activity.work_notes': 'Work notes', 'activity.changes': 'Changes',
    'field.version': 'Version', 'field.responded_at': 'Responded', 'field.resolved_at': 'Resolved', 'field.closed_at': 'Closed', 'field.caller_id': 'Caller',
    'related.title': 'Related tickets', 'related.children': 'Child tickets', 'related.caller': 'The caller\'s other tickets', 'related.none': 'None.',
    'lookup.parent': 'Number, or words to search open tickets', 'lookup.known_caller': 'Known caller: {name}', 'lookup.new_caller': 'New caller: a contact is made when the ticket is saved.',
    'nav.admin': 'Admin', 'admin.title': 'Administration', 'admin.only': 'Administration is for admins. Ask one to give you the admin role.', 'admin.sections': 'Sections',
    'admin.groups': 'Groups and agents', 'admin.groups_hint': 'The agents of a group are the people its tickets can be assigned to.', 'admin.new_group': 'New group',
    'admin.add': 'Add', 'admin.members': '{count} agents', 'admin.remove': 'Remove', 'admin.user_name': 'Sign-in name', 'admin.display_name': 'Display name', 'admin.add_member': 'Add agent',
    'admin.categories': 'Categories', 'admin.categories_hint': 'Subcategories separated by commas. Tickets keep the subcategory they have.', 'admin.new_category': 'New category',
    'admin.sla': 'SLA targets', 'admin.response_minutes': 'Minutes to respond', 'admin.resolution_minutes': 'Minutes to resolve', 'admin.actions': 'Actions',
    'admin.keys': 'API keys', 'admin.secret_once': 'Copy this key now: it will not be shown again.', 'admin.key_name': 'Name', 'admin.key_prefix': 'Starts with',
    'admin.key_scopes': 'Scopes', 'admin.key_created': 'Created', 'admin.key_revoked': 'Revoked', 'admin.create_key': 'Create key', 'admin.revoke': 'Revoke', 'admin.saved': 'Saved.',
    'bulk.title': 'Bulk actions', 'bulk.select_all': 'Select every ticket on this page', 'bulk.select': 'Select {number}', 'bulk.selected': '{count} selected',
    'bulk.keep_group': 'Keep group', 'bulk.assign': 'Assign', 'bulk.set_state': 'Change state', 'bulk.resolve': 'Resolve',
    'bulk.done': '{ok} of {count} updated.', 'bulk.stale': 'changed by someone else since this list was loaded; open it to see what changed',
    'sla.at_risk': 'SLA at risk', 'sla.breached_flag': 'SLA breached', 'sla.legend': 'the resolution target is 75% used, or passed',
    'sort.ascending': 'sorted ascending', 'sort.descending': 'sorted descending',
    'error.summary': 'Check these fields:', 'error.invalid': 'This value is not valid.', 'error.missing': 'Required.', 'error.required': 'Required.',
    'error.string_too_short': 'Cannot be empty.', 'error.blank': 'Cannot be blank.', 'error.string_too_long': 'Too long.',
    'error.string_pattern_mismatch': 'Not in the expected format.', 'error.unknown': 'Not one of the known values.', 'error.not_allowed': 'Not allowed in this state.',
    'error.loop': 'Would make a loop of parent tickets.', 'error.phone': 'Not a phone number.', 'error.taken': 'Already in use.', 'error.needs_category': 'Choose a category first.',
    'error.literal_error': 'Not one of the allowed values.', 'error.enum': 'Not one of the allowed values.',
    'draft.restored': 'Your unsaved changes were restored.', 'draft.discard': 'Discard my changes',
    'conflict.title': 'Someone else changed this ticket. Your changes are kept; where you both changed a field, choose which value to keep, then save.',
    'conflict.theirs': 'Theirs: ', 'conflict.mine': 'Yours: ', 'conflict.empty': '(empty)',
    'nav.dashboard': 'Dashboard', 'dash.title': 'Dashboard', 'dash.open_tickets': 'Open tickets', 'dash.at_risk': 'SLA at risk', 'dash.breached': 'SLA breached',
    'dash.on_track': 'On track', 'dash.mttr': 'Mean time to resolve (30 days)', 'dash.hours': '{hours} h', 'dash.open': 'Open',
    'dash.by_priority': 'Open by priority', 'dash.by_state': 'Open by state', 'dash.by_group': 'Open by group', 'dash.sla': 'Open tickets against their SLA',
    'dash.per_day': 'Opened and resolved per day, last 30 days', 'dash.per_day_summary': 'Last 30 days: {opened} opened, {resolved} resolved',
    'dash.as_table': 'Show the numbers', 'dash.no_group': 'No group', 'dash.day': 'Day', 'dash.opened': 'Opened', 'dash.resolved': 'Resolved',
    'action.assign_to_me': 'Assign to me',
    'list.previous': 'Previous page', 'list.page_size': 'Rows per page', 'list.count': '{start}–{end} of {total}', 'list.about': 'about ',
    'nav.articles': 'Knowledge', 'kb.title': 'Knowledge base', 'kb.search': 'Search articles', 'kb.new': 'New article', 'kb.empty': 'No articles match.',
    'kb.field.title': 'Title', 'kb.field.language': 'Language', 'kb.field.state': 'State', 'kb.field.body': 'Body (Markdown)',
    'kb.state.draft': 'Draft', 'kb.state.published': 'Published', 'kb.back': 'Back to the knowledge base', 'kb.new_title': 'New article',
    'kb.suggested': 'Articles that may help', 'kb.none': 'No published article matches yet.', 'kb.from_ticket': 'Write an article from this ticket',
    'kb.meta': '{state} · {language} · updated {when} by {who}', 'kb.saved': 'Article saved.',
    'triage.title': 'Suggestions from similar tickets', 'triage.accept': 'Accept', 'triage.accept_all': 'Accept all',
    'triage.candidates': 'It may already be reported', 'triage.unsure': 'Similar tickets do not agree: these are only guesses.',
    'triage.unavailable': 'Suggestions are unavailable right now.', 'triage.summary': 'Summary: ',
    'similar.title': 'Similar tickets', 'similar.none': 'No similar tickets yet.', 'similar.unavailable': 'Similar tickets are unavailable right now.',
    'similar.mark_duplicate': 'Mark this ticket a duplicate of it', 'similar.resolution': 'Resolved: ', 'similar.match': 'match',
    'nav.calls': 'Calls', 'calls.title': 'Phone calls', 'calls.started': 'Started', 'calls.from': 'Caller', 'calls.language': 'Language',
    'calls.status': 'Status', 'calls.ticket': 'Ticket', 'calls.pipeline': 'Pipeline', 'calls.joined': 'joined an open ticket', 'calls.review': 'needs review',
    'calls.needs_review': 'Only calls that need review', 'calls.empty': 'No calls yet.', 'calls.panel': 'Phone calls',
    'calls.live': 'Live transcript (Twilio)', 'calls.recorded': 'Recording transcript', 'calls.sms': 'SMS', 'calls.none': '—',
    'calls.confidence': 'confidence', 'calls.review_reason': 'Needs review: ', 'calls.intent.report': 'reported a problem', 'calls.intent.status': 'asked for a status', 'calls.intent.joined': 'joined a major incident',
    'pipeline.running': 'Running', 'pipeline.completed': 'Completed', 'pipeline.failed': 'Failed',
    'step.started': 'Started', 'step.wait_recording': 'Waiting for the recording', 'step.store_recording': 'Recording stored', 'step.transcribe': 'Transcribed',
    'step.analyze': 'Analyzed', 'step.find_duplicate': 'Looked for the same problem', 'step.create_or_join': 'Ticket made or joined', 'step.notify': 'Caller notified',
    'step.improve_ticket': 'Ticket improved', 'step.review': 'Marked for review', 'step.done': 'Done',
    'sms.sent': 'sent', 'sms.not_configured': 'not sent: Twilio is not configured', 'sms.no_phone': 'no phone number',
    'simulate.title': 'Simulate a call', 'simulate.hint': 'This machine plays Twilio: the caller\'s words go through the same webhooks and pipeline as a real call.',
    'simulate.from': 'Caller\'s phone', 'simulate.lang': 'Language', 'simulate.say': 'What the caller says', 'simulate.hang_up_early': 'Hangs up while speaking',
    'simulate.silent': 'Says nothing', 'simulate.start': 'Call', 'simulate.heard': 'The caller hears:', 'simulate.ticket': 'Ticket heard: ',
    'admin.triage': 'Triage quality', 'triage.untrained': 'Triage has not been trained yet: it learns once the desk has labelled tickets.',
    'triage.about': 'Learned from {tickets} labelled tickets on {when}; measured on {held} of them, each by a model that had not seen it.',
    'triage.never': 'never', 'triage.field': 'Field', 'triage.labelled': 'Measured on', 'triage.vote': 'Nearest tickets',
    'triage.classifier': 'Classifier', 'triage.shipped': 'Atiende', 'triage.threshold': 'Fills from', 'triage.coverage': 'Filled',
    'triage.precision': 'Right when filled',
    'triage.search': 'Search, per language', 'triage.language': 'Language', 'language.es': 'Spanish', 'language.en': 'English',
    'triage.recall_vectors': 'In the first five: vectors', 'triage.recall_even': 'words and vectors evenly',
    'triage.recall_shipped': 'Atiende', 'triage.mrr_vectors': 'MRR: vectors', 'triage.mrr_shipped': 'MRR: Atiende',
    'triage.text_weight': 'Weight of words',
    'view.mine': 'Assigned to me', 'view.unassigned': 'Unassigned', 'view.untriaged': 'Untriaged',
    'list.affected': '{count} callers', 'dash.untriaged': 'Untriaged (no group)', 'dash.majors': 'Major incidents',
    'dash.no_majors': 'No problem is affecting many callers right now.', 'view.open': 'Open', 'view.resolved': 'Resolved', 'view.all': 'All',
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
    'kind.notification': 'messaged the caller', 'nav.requester': "Requester's side", 'requester.title': "The requester's side", 'requester.hint': "On this machine devhost plays the requester's phone and mailbox: what the desk sends them shows here, and what you write goes to the desk the way a real SMS or e-mail would.", 'requester.phone': 'Their phone', 'requester.email': 'Their e-mail', 'requester.sms': 'SMS', 'requester.mail': 'Mailbox', 'requester.write_sms': 'Write an SMS to the desk', 'requester.write_mail': 'Write an e-mail to the desk', 'requester.subject': 'Subject', 'requester.send': 'Send', 'requester.reply': 'Reply', 'requester.none': 'Nothing yet.', 'files.title': 'Files', 'dash.csat': "Requesters' satisfaction, last 8 weeks", 'dash.no_csat': 'No requester has rated a resolved ticket yet.', 'dash.flagged': 'Rated low, for a lead to look at', 'dash.no_flagged': 'No ticket was rated low.', 'dash.week': 'Week of', 'dash.ratings': 'Ratings', 'dash.average': 'Average (1–5)', 'dash.satisfied': 'Rated 4 or 5', 'via.sms': 'SMS', 'via.email': 'E-mail',
    'delivery.queued': 'waiting to be sent', 'delivery.sent': 'sent', 'delivery.delivered': 'delivered', 'delivery.undelivered': 'not delivered', 'delivery.failed': 'failed', 'delivery.bounced': 'bounced',
    'state.new': 'New', 'state.in_progress': 'In Progress', 'state.on_hold': 'On Hold', 'state.resolved': 'Resolved', 'state.closed': 'Closed', 'state.canceled': 'Canceled',
    'priority.1': '1 - Critical', 'priority.2': '2 - High', 'priority.3': '3 - Moderate', 'priority.4': '4 - Low', 'priority.5': '5 - Planning',
    'level.1': '1 - High', 'level.2': '2 - Medium', 'level.3': '3 - Low',
    'channel.phone': 'Phone', 'channel.web': 'Web', 'channel.email': 'Email', 'channel.api': 'API',
    'hold.awaiting_caller': 'Awaiting caller', 'hold.awaiting_change': 'Awaiting change', 'hold.awaiting_problem': 'Awaiting problem', 'hold.awaiting_vendor': 'Awaiting vendor',
    'close.solved_permanently': 'Solved (permanently)', 'close.solved_workaround': 'Solved (work around)', 'close.solved_remotely': 'Solved remotely',
    'close.not_solved_not_reproducible': 'Not solved (not reproducible)', 'close.not_solved_too_costly': 'Not solved (too costly)', 'close.resolved_by_caller': 'Resolved by caller',
    'note.duplicate_of': 'Duplicate of {number}: {short}',
    'note.call_opened_live': 'Opened from call {sid} ({locale}), described in the live transcript.',
    'note.call_opened_recording': 'Opened from call {sid} ({locale}), described in the recording ({provider}).',
    'note.call_unclear': 'The transcript is below the confidence the desk trusts: the title and the SMS leave it out.',
    'note.call_summary': 'Summary: {summary}',
    'note.untriaged': 'Untriaged: triage was not sure enough to choose a group.',
    'note.suggested': 'Suggested, below the desk\'s thresholds:',
    'note.suggested_item': '{field} {value} ({confidence_pct}).',
    'note.another_caller': 'Another caller reports this problem (call {sid}): {said}',
    'note.outage_raised': '{count} callers report this problem: impact raised to {impact}, priority now {priority}.',
    'note.transcript_replaced': 'Description replaced by the recording\'s transcript ({provider}, confidence {confidence_pct}); the live transcript ({live_pct}) was: “{live}”',
    'note.needs_review': 'Needs review: {reason} while turning call {sid} into this ticket.',
    'note.recording_kept': 'The recording is kept ({blob}).',
    'note.rated': 'The requester rated this ticket {rating}/5.',
    'note.rated_with_comment': 'The requester rated this ticket {rating}/5, with a comment.',
    'note.flagged': 'Flagged for a lead.',
    'note.attachments_refused': 'Attachments not kept from the requester\'s e-mail: {files}',
    'note.caller_erased': 'The caller\'s personal data (name, phone, e-mail, recordings, transcripts, messages, files) was erased by {who}.',
    'note.recording_expired': 'The recording and transcript of call {sid} were deleted after {days} days, as the retention policy says.',
    'note.unknown': 'unknown',
    'admin.members.one': '{count} agent', 'admin.members.other': '{count} agents',
    'bulk.selected.one': '{count} selected', 'bulk.selected.other': '{count} selected',
    'list.affected.one': '{count} caller', 'list.affected.other': '{count} callers',
    'call.status.queued': 'queued', 'call.status.ringing': 'ringing', 'call.status.in-progress': 'in progress', 'call.status.completed': 'completed',
    'call.status.busy': 'busy', 'call.status.failed': 'failed', 'call.status.no-answer': 'no answer', 'call.status.canceled': 'canceled',
    'contact.ask': 'This number belongs to {name}. Is this {typed}?', 'contact.rename': 'Update {name}\'s name to {typed}',
    'contact.other': 'Record a different caller on this number', 'contact.ask_unnamed': 'This number\'s contact has no name yet. Save {typed} as its name?',
    'contact.name_it': 'Save {typed} as the contact\'s name', 'contact.only_here': 'Only on this ticket',
    'contact.edit': 'Edit contact', 'contact.save': 'Save contact', 'contact.cancel': 'Cancel', 'contact.saved': 'Contact saved: every ticket of theirs shows the new name.',
    'contact.other_caller': 'Another caller on {name}\'s number',
    'agents.none': 'Nobody in this group yet: an admin adds agents under Admin › Groups and agents.',
    'error.not_member': 'Not an agent of this ticket\'s group.', 'error.not_agent': 'Not an agent in the directory.',
    'undo.duplicate': '{number} will be marked a duplicate of {of}.', 'undo.resolve': '{number} will be resolved.',
    'confirm.bulk.one': '{count} caller will be told of this change by SMS or e-mail. Go on?', 'confirm.bulk.other': '{count} callers will be told of this change by SMS or e-mail. Go on?', 'confirm.go_on': 'Go on',
    'undo.bulk.one': '{count} ticket will be changed.', 'undo.bulk.other': '{count} tickets will be changed.', 'undo.button': 'Undo', 'undo.undone': 'Undone: nothing was changed.',
    'undo.tells_caller': 'The caller will be told by SMS or e-mail.',
    'confirm.duplicate': 'Mark {number} a duplicate of {of}? It is canceled, and its caller is told that {of} carries their problem.',
    'form.saved_ok': 'Saved.', 'panel.sla': 'SLA',
    'live.new_phone': 'New phone ticket: {short}', 'live.changed': 'Someone changed this ticket. Your edits are kept; reload to see theirs.',
    'live.reload': 'Reload', 'live.updated': 'The list was updated.',
    'view.my_groups': 'My groups', 'field.channel_any': 'Any channel', 'list.export': 'Export CSV',
    'help.title': 'Keyboard shortcuts', 'help.close': 'Close', 'help.open': 'Show keyboard shortcuts (?)',
    'help.keys.help': 'Show this help', 'help.keys.new': 'New ticket', 'help.keys.list': 'Go to the list',
    'help.keys.search': 'Search tickets', 'help.keys.save': 'Save the ticket', 'help.keys.post': 'Post the comment',
    'help.keys.canned': 'Insert a canned reply', 'help.keys.dashboard': 'Go to the dashboard', 'skip.main': 'Skip to content',
    'channel.sms': 'SMS',
    'files.none': 'No files yet.', 'files.add': 'Add files to the ticket', 'files.requester': 'the requester',
    'canned.pick': 'Canned reply…', 'canned.insert': 'Insert', 'canned.title': 'Canned replies',
    'canned.hint': 'Placeholders: {{caller.name}}, {{ticket.number}}, {{ticket.short_description}}, {{ticket.state}}, {{agent.name}}.',
    'canned.name': 'Title', 'canned.desk': 'Whole desk', 'canned.body': 'Text', 'canned.delete': 'Delete', 'canned.none': 'No canned replies yet.',
    'activity.time_worked': 'Time worked (minutes)', 'activity.attach': 'Attach files',
    'worked.total': '{time} worked', 'worked.entry': '{time} worked',
  },
  es: {
    'admin.callers': 'Datos de llamantes', 'admin.callers_hint': 'Borrar a un llamante elimina su nombre, teléfono, correo, grabaciones y transcripciones. Sus tickets se conservan, anonimizados, con una nota.',
    'admin.find': 'Buscar', 'admin.no_caller': 'Ningún llamante tiene ese número.', 'admin.caller_found': '{name} · {phone} · contacto {id}', 'admin.erase_confirm': 'Entiendo que no se puede deshacer',
    'admin.erase': 'Borrar a este llamante', 'admin.erased': 'Borrado: {calls} llamadas, {tickets} tickets anonimizados, {recordings} grabaciones eliminadas.',
    'crumbs.title': 'Filtros', 'crumbs.all': 'Todos los tickets', 'crumbs.remove': 'Quitar filtro: {what}', 'crumbs.name': 'Nombre para este filtro', 'crumbs.save': 'Guardar filtro',
    'crumbs.mine': 'Mis filtros', 'crumbs.delete': 'Borrar el filtro guardado {name}', 'crumbs.view': 'Vista', 'crumbs.q': 'Búsqueda', 'field.q': 'Búsqueda',
    'activity.write': 'Comentario o nota de trabajo', 'activity.show': 'Mostrar', 'activity.all': 'Todo', 'activity.comments': 'Comentarios', 'activity.work_notes': 'Notas de trabajo', 'activity.changes': 'Cambios',
    'field.version': 'Versión', 'field.responded_at': 'Respondido', 'field.resolved_at': 'Resuelto', 'field.closed_at': 'Cerrado', 'field.caller_id': 'Llamante',
    'related.title': 'Tickets relacionados', 'related.children': 'Tickets hijos', 'related.caller': 'Otros tickets del llamante', 'related.none': 'Ninguno.',
    'lookup.parent': 'Número, o palabras para buscar tickets abiertos', 'lookup.known_caller': 'Llamante conocido: {name}', 'lookup.new_caller': 'Llamante nuevo: se creará el contacto al guardar el ticket.',
    'nav.admin': 'Administración', 'admin.title': 'Administración', 'admin.only': 'La administración es para administradores. Pide a uno que te dé el rol admin.', 'admin.sections': 'Secciones',
    'admin.groups': 'Grupos y agentes', 'admin.groups_hint': 'Los agentes de un grupo son las personas a las que se pueden asignar sus tickets.', 'admin.new_group': 'Nuevo grupo',
    'admin.add': 'Añadir', 'admin.members': '{count} agentes', 'admin.remove': 'Quitar', 'admin.user_name': 'Nombre de inicio de sesión', 'admin.display_name': 'Nombre visible', 'admin.add_member': 'Añadir agente',
    'admin.categories': 'Categorías', 'admin.categories_hint': 'Subcategorías separadas por comas. Los tickets conservan la subcategoría que tienen.', 'admin.new_category': 'Nueva categoría',
    'admin.sla': 'Objetivos de SLA', 'admin.response_minutes': 'Minutos para responder', 'admin.resolution_minutes': 'Minutos para resolver', 'admin.actions': 'Acciones',
    'admin.keys': 'Claves de API', 'admin.secret_once': 'Copia esta clave ahora: no se volverá a mostrar.', 'admin.key_name': 'Nombre', 'admin.key_prefix': 'Empieza por',
    'admin.key_scopes': 'Permisos', 'admin.key_created': 'Creada', 'admin.key_revoked': 'Revocada', 'admin.create_key': 'Crear clave', 'admin.revoke': 'Revocar', 'admin.saved': 'Guardado.',
    'bulk.title': 'Acciones en bloque', 'bulk.select_all': 'Seleccionar todos los tickets de esta página', 'bulk.select': 'Seleccionar {number}', 'bulk.selected': '{count} seleccionados',
    'bulk.keep_group': 'Mantener grupo', 'bulk.assign': 'Asignar', 'bulk.set_state': 'Cambiar estado', 'bulk.resolve': 'Resolver',
    'bulk.done': '{ok} de {count} actualizados.', 'bulk.stale': 'otra persona lo cambió después de cargar esta lista; ábrelo para ver qué cambió',
    'sla.at_risk': 'SLA en riesgo', 'sla.breached_flag': 'SLA incumplido', 'sla.legend': 'se ha consumido el 75% del plazo de resolución, o se ha superado',
    'sort.ascending': 'orden ascendente', 'sort.descending': 'orden descendente',
    'error.summary': 'Revisa estos campos:', 'error.invalid': 'Este valor no es válido.', 'error.missing': 'Obligatorio.', 'error.required': 'Obligatorio.',
    'error.string_too_short': 'No puede estar vacío.', 'error.blank': 'No puede estar en blanco.', 'error.string_too_long': 'Demasiado largo.',
    'error.string_pattern_mismatch': 'No tiene el formato esperado.', 'error.unknown': 'No es uno de los valores conocidos.', 'error.not_allowed': 'No se permite en este estado.',
    'error.loop': 'Formaría un bucle de tickets padre.', 'error.phone': 'No es un número de teléfono.', 'error.taken': 'Ya está en uso.', 'error.needs_category': 'Elige antes una categoría.',
    'error.literal_error': 'No es uno de los valores permitidos.', 'error.enum': 'No es uno de los valores permitidos.',
    'draft.restored': 'Se han recuperado tus cambios sin guardar.', 'draft.discard': 'Descartar mis cambios',
    'conflict.title': 'Otra persona ha cambiado este ticket. Tus cambios se conservan; donde los dos cambiasteis un campo, elige qué valor mantener y guarda.',
    'conflict.theirs': 'Suyo: ', 'conflict.mine': 'Tuyo: ', 'conflict.empty': '(vacío)',
    'nav.dashboard': 'Panel', 'dash.title': 'Panel', 'dash.open_tickets': 'Tickets abiertos', 'dash.at_risk': 'SLA en riesgo', 'dash.breached': 'SLA incumplido',
    'dash.on_track': 'En plazo', 'dash.mttr': 'Tiempo medio de resolución (30 días)', 'dash.hours': '{hours} h', 'dash.open': 'Abiertos',
    'dash.by_priority': 'Abiertos por prioridad', 'dash.by_state': 'Abiertos por estado', 'dash.by_group': 'Abiertos por grupo', 'dash.sla': 'Tickets abiertos frente a su SLA',
    'dash.per_day': 'Abiertos y resueltos por día, últimos 30 días', 'dash.per_day_summary': 'Últimos 30 días: {opened} abiertos, {resolved} resueltos',
    'dash.as_table': 'Ver los números', 'dash.no_group': 'Sin grupo', 'dash.day': 'Día', 'dash.opened': 'Abiertos', 'dash.resolved': 'Resueltos',
    'action.assign_to_me': 'Asignarme',
    'list.previous': 'Página anterior', 'list.page_size': 'Filas por página', 'list.count': '{start}–{end} de {total}', 'list.about': 'unos ',
    'nav.articles': 'Conocimiento', 'kb.title': 'Base de conocimiento', 'kb.search': 'Buscar artículos', 'kb.new': 'Nuevo artículo', 'kb.empty': 'Ningún artículo coincide.',
    'kb.field.title': 'Título', 'kb.field.language': 'Idioma', 'kb.field.state': 'Estado', 'kb.field.body': 'Cuerpo (Markdown)',
    'kb.state.draft': 'Borrador', 'kb.state.published': 'Publicado', 'kb.back': 'Volver a la base de conocimiento', 'kb.new_title': 'Nuevo artículo',
    'kb.suggested': 'Artículos que pueden ayudar', 'kb.none': 'Aún no hay artículos publicados que coincidan.', 'kb.from_ticket': 'Escribir un artículo a partir de este ticket',
    'kb.meta': '{state} · {language} · actualizado {when} por {who}', 'kb.saved': 'Artículo guardado.',
    'triage.title': 'Sugerencias de tickets similares', 'triage.accept': 'Aceptar', 'triage.accept_all': 'Aceptar todo',
    'triage.candidates': 'Puede que ya esté reportado', 'triage.unsure': 'Los tickets similares no coinciden: son solo conjeturas.',
    'triage.unavailable': 'Las sugerencias no están disponibles ahora.', 'triage.summary': 'Resumen: ',
    'similar.title': 'Tickets similares', 'similar.none': 'Aún no hay tickets similares.', 'similar.unavailable': 'Los tickets similares no están disponibles ahora.',
    'similar.mark_duplicate': 'Marcar este ticket como duplicado de ese', 'similar.resolution': 'Resuelto: ', 'similar.match': 'de parecido',
    'nav.calls': 'Llamadas', 'calls.title': 'Llamadas', 'calls.started': 'Inicio', 'calls.from': 'Solicitante', 'calls.language': 'Idioma',
    'calls.status': 'Estado', 'calls.ticket': 'Ticket', 'calls.pipeline': 'Proceso', 'calls.joined': 'se unió a un ticket abierto', 'calls.review': 'revisar',
    'calls.needs_review': 'Solo llamadas por revisar', 'calls.empty': 'Aún no hay llamadas.', 'calls.panel': 'Llamadas',
    'calls.live': 'Transcripción en directo (Twilio)', 'calls.recorded': 'Transcripción de la grabación', 'calls.sms': 'SMS', 'calls.none': '—',
    'calls.confidence': 'confianza', 'calls.review_reason': 'Por revisar: ', 'calls.intent.report': 'reportó un problema', 'calls.intent.status': 'consultó un estado', 'calls.intent.joined': 'se sumó a una incidencia grave',
    'pipeline.running': 'En curso', 'pipeline.completed': 'Completado', 'pipeline.failed': 'Fallido',
    'step.started': 'Iniciado', 'step.wait_recording': 'Esperando la grabación', 'step.store_recording': 'Grabación guardada', 'step.transcribe': 'Transcrita',
    'step.analyze': 'Analizada', 'step.find_duplicate': 'Buscado el mismo problema', 'step.create_or_join': 'Ticket creado o unido', 'step.notify': 'Solicitante avisado',
    'step.improve_ticket': 'Ticket mejorado', 'step.review': 'Marcado para revisar', 'step.done': 'Terminado',
    'sms.sent': 'enviado', 'sms.not_configured': 'no enviado: Twilio no está configurado', 'sms.no_phone': 'sin número de teléfono',
    'simulate.title': 'Simular una llamada', 'simulate.hint': 'Esta máquina hace de Twilio: las palabras del solicitante pasan por los mismos webhooks y el mismo proceso que una llamada real.',
    'simulate.from': 'Teléfono del solicitante', 'simulate.lang': 'Idioma', 'simulate.say': 'Lo que dice el solicitante', 'simulate.hang_up_early': 'Cuelga mientras habla',
    'simulate.silent': 'No dice nada', 'simulate.start': 'Llamar', 'simulate.heard': 'El solicitante oye:', 'simulate.ticket': 'Ticket oído: ',
    'admin.triage': 'Calidad de la clasificación', 'triage.untrained': 'La clasificación aún no se ha entrenado: aprende cuando la mesa tiene incidencias clasificadas.',
    'triage.about': 'Aprendida de {tickets} incidencias clasificadas el {when}; medida en {held} de ellas, cada una con un modelo que no la había visto.',
    'triage.never': 'nunca', 'triage.field': 'Campo', 'triage.labelled': 'Medida en', 'triage.vote': 'Incidencias cercanas',
    'triage.classifier': 'Clasificador', 'triage.shipped': 'Atiende', 'triage.threshold': 'Rellena desde', 'triage.coverage': 'Rellenadas',
    'triage.precision': 'Aciertos al rellenar',
    'triage.search': 'Búsqueda, por idioma', 'triage.language': 'Idioma', 'language.es': 'Español', 'language.en': 'Inglés',
    'triage.recall_vectors': 'Entre los cinco primeros: vectores', 'triage.recall_even': 'palabras y vectores por igual',
    'triage.recall_shipped': 'Atiende', 'triage.mrr_vectors': 'MRR: vectores', 'triage.mrr_shipped': 'MRR: Atiende',
    'triage.text_weight': 'Peso de las palabras',
    'view.mine': 'Asignados a mí', 'view.unassigned': 'Sin asignar', 'view.untriaged': 'Sin clasificar',
    'list.affected': '{count} llamantes', 'dash.untriaged': 'Sin clasificar (sin grupo)', 'dash.majors': 'Incidencias graves',
    'dash.no_majors': 'Ningún problema afecta ahora a muchos llamantes.', 'view.open': 'Abiertos', 'view.resolved': 'Resueltos', 'view.all': 'Todos',
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
    'kind.notification': 'escribió al solicitante', 'nav.requester': 'Lado del solicitante', 'requester.title': 'El lado del solicitante', 'requester.hint': 'En esta máquina devhost hace de teléfono y buzón del solicitante: aquí se ve lo que la mesa le envía, y lo que escriba llega a la mesa como llegaría un SMS o un correo real.', 'requester.phone': 'Su teléfono', 'requester.email': 'Su correo', 'requester.sms': 'SMS', 'requester.mail': 'Buzón', 'requester.write_sms': 'Escribir un SMS a la mesa', 'requester.write_mail': 'Escribir un correo a la mesa', 'requester.subject': 'Asunto', 'requester.send': 'Enviar', 'requester.reply': 'Responder', 'requester.none': 'Nada todavía.', 'files.title': 'Archivos', 'dash.csat': 'Satisfacción de los solicitantes, últimas 8 semanas', 'dash.no_csat': 'Ningún solicitante ha valorado aún una incidencia resuelta.', 'dash.flagged': 'Valoradas bajo, para que las revise un responsable', 'dash.no_flagged': 'Ninguna incidencia tiene una valoración baja.', 'dash.week': 'Semana del', 'dash.ratings': 'Valoraciones', 'dash.average': 'Media (1–5)', 'dash.satisfied': 'Valoradas 4 o 5', 'via.sms': 'SMS', 'via.email': 'Correo',
    'delivery.queued': 'pendiente de envío', 'delivery.sent': 'enviado', 'delivery.delivered': 'entregado', 'delivery.undelivered': 'no entregado', 'delivery.failed': 'falló', 'delivery.bounced': 'devuelto',
    'state.new': 'Nuevo', 'state.in_progress': 'En curso', 'state.on_hold': 'En espera', 'state.resolved': 'Resuelto', 'state.closed': 'Cerrado', 'state.canceled': 'Cancelado',
    'priority.1': '1 - Crítica', 'priority.2': '2 - Alta', 'priority.3': '3 - Moderada', 'priority.4': '4 - Baja', 'priority.5': '5 - Planificación',
    'level.1': '1 - Alta', 'level.2': '2 - Media', 'level.3': '3 - Baja',
    'channel.phone': 'Teléfono', 'channel.web': 'Web', 'channel.email': 'Correo', 'channel.api': 'API',
    'hold.awaiting_caller': 'Esperando al solicitante', 'hold.awaiting_change': 'Esperando un cambio', 'hold.awaiting_problem': 'Esperando un problema', 'hold.awaiting_vendor': 'Esperando al proveedor',
    'close.solved_permanently': 'Resuelto (permanente)', 'close.solved_workaround': 'Resuelto (solución temporal)', 'close.solved_remotely': 'Resuelto en remoto',
    'close.not_solved_not_reproducible': 'No resuelto (no reproducible)', 'close.not_solved_too_costly': 'No resuelto (demasiado costoso)', 'close.resolved_by_caller': 'Resuelto por el solicitante',
    'note.duplicate_of': 'Duplicado de {number}: {short}',
    'note.call_opened_live': 'Abierto desde la llamada {sid} ({locale}), descrito con la transcripción en directo.',
    'note.call_opened_recording': 'Abierto desde la llamada {sid} ({locale}), descrito con la grabación ({provider}).',
    'note.call_unclear': 'La transcripción está por debajo de la confianza que la mesa acepta: el título y el SMS no la incluyen.',
    'note.call_summary': 'Resumen: {summary}',
    'note.untriaged': 'Sin clasificar: la clasificación no estaba lo bastante segura para elegir un grupo.',
    'note.suggested': 'Sugerido, por debajo de los umbrales de la mesa:',
    'note.suggested_item': '{field} {value} ({confidence_pct}).',
    'note.another_caller': 'Otro solicitante informa de este problema (llamada {sid}): {said}',
    'note.outage_raised': '{count} solicitantes informan de este problema: impacto elevado a {impact}, prioridad ahora {priority}.',
    'note.transcript_replaced': 'Descripción sustituida por la transcripción de la grabación ({provider}, confianza {confidence_pct}); la transcripción en directo ({live_pct}) decía: «{live}»',
    'note.needs_review': 'Por revisar: {reason} al convertir la llamada {sid} en este ticket.',
    'note.recording_kept': 'La grabación se conserva ({blob}).',
    'note.rated': 'El solicitante valoró este ticket con {rating}/5.',
    'note.rated_with_comment': 'El solicitante valoró este ticket con {rating}/5, con un comentario.',
    'note.flagged': 'Señalado para un responsable.',
    'note.attachments_refused': 'Adjuntos no guardados del correo del solicitante: {files}',
    'note.caller_erased': '{who} borró los datos personales del solicitante (nombre, teléfono, correo, grabaciones, transcripciones, mensajes, archivos).',
    'note.recording_expired': 'La grabación y la transcripción de la llamada {sid} se borraron pasados {days} días, como dice la política de conservación.',
    'note.unknown': 'desconocida',
    'admin.members.one': '{count} agente', 'admin.members.other': '{count} agentes',
    'bulk.selected.one': '{count} seleccionado', 'bulk.selected.other': '{count} seleccionados',
    'list.affected.one': '{count} solicitante', 'list.affected.other': '{count} solicitantes',
    'call.status.queued': 'en cola', 'call.status.ringing': 'sonando', 'call.status.in-progress': 'en curso', 'call.status.completed': 'completada',
    'call.status.busy': 'ocupado', 'call.status.failed': 'fallida', 'call.status.no-answer': 'sin respuesta', 'call.status.canceled': 'cancelada',
    'contact.ask': 'Este número es de {name}. ¿Es {typed}?', 'contact.rename': 'Cambiar el nombre de {name} a {typed}',
    'contact.other': 'Registrar otro solicitante con este número', 'contact.ask_unnamed': 'El contacto de este número aún no tiene nombre. ¿Guardar {typed} como su nombre?',
    'contact.name_it': 'Guardar {typed} como nombre del contacto', 'contact.only_here': 'Solo en este ticket',
    'contact.edit': 'Editar contacto', 'contact.save': 'Guardar contacto', 'contact.cancel': 'Cancelar', 'contact.saved': 'Contacto guardado: todos sus tickets muestran el nombre nuevo.',
    'contact.other_caller': 'Otro solicitante con el número de {name}',
    'agents.none': 'Aún no hay nadie en este grupo: un administrador añade agentes en Administración › Grupos y agentes.',
    'error.not_member': 'No es agente del grupo de este ticket.', 'error.not_agent': 'No es un agente del directorio.',
    'undo.duplicate': '{number} se marcará como duplicado de {of}.', 'undo.resolve': '{number} se resolverá.',
    'confirm.bulk.one': 'Se avisará de este cambio a {count} solicitante por SMS o correo. ¿Seguir?', 'confirm.bulk.other': 'Se avisará de este cambio a {count} solicitantes por SMS o correo. ¿Seguir?', 'confirm.go_on': 'Seguir',
    'undo.bulk.one': 'Se cambiará {count} ticket.', 'undo.bulk.other': 'Se cambiarán {count} tickets.', 'undo.button': 'Deshacer', 'undo.undone': 'Deshecho: no se cambió nada.',
    'undo.tells_caller': 'Se avisará al solicitante por SMS o correo.',
    'confirm.duplicate': '¿Marcar {number} como duplicado de {of}? Se cancela, y se avisa a su solicitante de que {of} recoge su problema.',
    'form.saved_ok': 'Guardado.', 'panel.sla': 'SLA',
    'live.new_phone': 'Nuevo ticket telefónico: {short}', 'live.changed': 'Otra persona ha cambiado este ticket. Tus cambios se conservan; recarga para ver los suyos.',
    'live.reload': 'Recargar', 'live.updated': 'La lista se ha actualizado.',
    'view.my_groups': 'Mis grupos', 'field.channel_any': 'Cualquier canal', 'list.export': 'Exportar CSV',
    'help.title': 'Atajos de teclado', 'help.close': 'Cerrar', 'help.open': 'Ver los atajos de teclado (?)',
    'help.keys.help': 'Ver esta ayuda', 'help.keys.new': 'Nuevo ticket', 'help.keys.list': 'Ir a la lista',
    'help.keys.search': 'Buscar tickets', 'help.keys.save': 'Guardar el ticket', 'help.keys.post': 'Publicar el comentario',
    'help.keys.canned': 'Insertar una respuesta predefinida', 'help.keys.dashboard': 'Ir al panel', 'skip.main': 'Saltar al contenido',
    'channel.sms': 'SMS',
    'files.none': 'Aún no hay archivos.', 'files.add': 'Añadir archivos al ticket', 'files.requester': 'el solicitante',
    'canned.pick': 'Respuesta predefinida…', 'canned.insert': 'Insertar', 'canned.title': 'Respuestas predefinidas',
    'canned.hint': 'Marcadores: {{caller.name}}, {{ticket.number}}, {{ticket.short_description}}, {{ticket.state}}, {{agent.name}}.',
    'canned.name': 'Título', 'canned.desk': 'Toda la mesa', 'canned.body': 'Texto', 'canned.delete': 'Borrar', 'canned.none': 'Aún no hay respuestas predefinidas.',
    'activity.time_worked': 'Tiempo trabajado (minutos)', 'activity.attach': 'Adjuntar archivos',
    'worked.total': '{time} trabajados', 'worked.entry': '{time} trabajados',
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
  root.querySelectorAll('[data-i18n-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nLabel)); });
}

/** A whole number grouped as the agent's language writes it (1,204 or 1204). */
export function formatNumber(value) { return new Intl.NumberFormat(locale()).format(value); }

/** A date and time in the agent's language and time zone. */
export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language === 'es' ? 'es-ES' : 'en-US', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

function locale() { return language === 'es' ? 'es-ES' : 'en-US'; }

/** A fraction as a percentage the agent's language writes ("0,5 %" in Spanish, "0.5%" in English). */
export function formatPercent(fraction, digits = 0) {
  if (fraction == null) return t('note.unknown');
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits }).format(fraction);
}

/** The text for a count: `key.one` or `key.other` as the language's plural rules choose, with {count} filled. */
export function plural(key, count) {
  const form = new Intl.PluralRules(locale()).select(count);
  const chosen = STRINGS[language][`${key}.${form}`] ?? STRINGS[language][`${key}.other`] ?? t(key);
  return chosen.replace('{count}', formatNumber(count));
}

/** A template's {names} filled from values, each shown as it reads in the agent's language. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? shownValue(name, values[name]) : whole));
}

function shownValue(name, value) {
  if (name.endsWith('_pct')) return formatPercent(value);
  if (name === 'field') return t(`field.${value}`);
  if (typeof value === 'number') return formatNumber(value);
  return value == null ? '' : String(value);
}

/** A note the desk wrote itself, in the reader's language: each sentence from its key and parameters. */
export function renderNote(parts) {
  return parts.map((part) => fill(t(`note.${part.key}`), part.params || {})).join(' ');
}

/** A call's status as Twilio names it, in the agent's words. */
export function callStatus(status) { return t(`call.status.${status}`) === `call.status.${status}` ? status : t(`call.status.${status}`); }

/** Minutes as hours and minutes, in the agent's language ("1 h 30 min"). */
export function formatMinutes(minutes) {
  const hours = Math.floor(minutes / 60);
  const unit = (value, name) => new Intl.NumberFormat(locale(), { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  return [hours ? unit(hours, 'hour') : '', minutes % 60 || !hours ? unit(minutes % 60, 'minute') : ''].filter(Boolean).join(' ');
}
