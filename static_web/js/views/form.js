/** The incident form: create a ticket, or read and work one with its SLA and activity. */
import { api, ApiError, me, uploadFile } from '../api.js';
import { ask, clone, fillOptions, report, showError, showSaved, text } from '../dom.js';
import { dropDraft, readDraft, writeDraft } from '../drafts.js';
import { currentLanguage, fill as fillText, formatMinutes, formatPercent, formatTime, t, translate } from '../i18n.js';
import { onDeskChange } from '../live.js';
import { later } from '../undo.js';
import { clearFieldErrors, showFieldErrors } from '../validation.js';
import { bindLookups } from '../lookups.js';
import { renderActivity } from './activity.js';
import { renderCallPanel } from './call_panel.js';
import { renderSimilarPanel } from './similar_panel.js';
import { bindTriage } from './triage_panel.js';
import { renderArticlesPanel } from './articles_panel.js';
import { renderAttachmentsPanel } from './attachments_panel.js';

const MOVES = {
  new: ['new', 'in_progress', 'on_hold', 'resolved', 'canceled'],
  in_progress: ['in_progress', 'on_hold', 'resolved', 'canceled'],
  on_hold: ['on_hold', 'in_progress', 'resolved', 'canceled'],
  resolved: ['resolved', 'in_progress', 'closed'],
  closed: ['closed'],
  canceled: ['canceled'],
};
const HOLD = ['awaiting_caller', 'awaiting_change', 'awaiting_problem', 'awaiting_vendor'];
const CLOSE = ['solved_permanently', 'solved_workaround', 'solved_remotely', 'not_solved_not_reproducible', 'not_solved_too_costly', 'resolved_by_caller'];
// The new-ticket form's fields, kept in its draft.
const CREATE_FIELDS = ['caller_name', 'caller_phone', 'category', 'subcategory', 'channel', 'impact', 'urgency', 'assignment_group', 'assigned_to', 'parent', 'short_description', 'description'];
const EDITABLE = ['short_description', 'description', 'category', 'subcategory', 'impact', 'urgency', 'assignment_group', 'assigned_to', 'parent', 'state', 'on_hold_reason', 'close_code', 'close_notes'];

/**
 * @param {(node: HTMLElement) => void} mount puts the page on screen unless a newer navigation won
 * @param {string|null} number the ticket to open, or null for a new one
 * @param {(hash: string) => void} go
 */
export async function renderForm(mount, number, go) {
  const section = clone('form-template');
  translate(section);
  section.querySelector('.back-to-list').setAttribute('href', sessionStorage.getItem('atiende.list') || '#/tickets');
  const form = /** @type {HTMLFormElement} */ (section.querySelector('#ticket-form'));
  const [groups, categories] = await Promise.all([api.groups(), api.categories()]);
  const subcategories = new Map(categories.data.items.map((c) => [c.name, c.subcategories]));
  fillOptions(form.elements.category, categories.data.items.map((c) => [c.name, c.name]), 1);
  fillOptions(form.elements.assignment_group, groups.data.items.map((g) => [g.name, g.name]), 1);
  fillOptions(form.elements.on_hold_reason, HOLD.map((r) => [r, t(`hold.${r}`)]), 1);
  fillOptions(form.elements.close_code, CLOSE.map((c) => [c, t(`close.${c}`)]), 1);
  for (const name of ['impact', 'urgency']) fillOptions(form.elements[name], [1, 2, 3].map((l) => [String(l), t(`level.${l}`)]));
  const showSubcategories = () => fillOptions(form.elements.subcategory, (subcategories.get(form.elements.category.value) || []).map((s) => [s, s]), 1);
  const showPriority = () => { form.elements.priority.value = t(`priority.${Number(form.elements.impact.value) + Number(form.elements.urgency.value) - 1}`); };
  const showStateFields = () => {
    section.querySelectorAll('.on-hold').forEach((el) => { el.hidden = form.elements.state.value !== 'on_hold'; });
    section.querySelectorAll('.resolution').forEach((el) => { el.hidden = !['resolved', 'closed'].includes(form.elements.state.value); });
  };
  form.elements.category.addEventListener('change', showSubcategories);
  form.elements.impact.addEventListener('change', showPriority);
  form.elements.urgency.addEventListener('change', showPriority);
  form.elements.state.addEventListener('change', showStateFields);
  section.dataset.number = number || '';
  const showAgents = bindLookups(section, form, groups.data.items);

  let ticket = null;
  let etag = null;
  const draftId = number || 'new';
  const comment = /** @type {HTMLFormElement} */ (section.querySelector('#comment-form'));
  // Every keystroke is kept: the fields that differ from the ticket as loaded (with what it had), and the comment.
  const keepDraft = () => {
    const values = {};
    const base = {};
    for (const name of number ? EDITABLE : CREATE_FIELDS) {
      const typed = form.elements[name].value;
      const had = number ? serverText(ticket, name) : initial[name];
      if (typed !== had) { values[name] = typed; base[name] = had; }
    }
    writeDraft(draftId, { values, base, comment: number ? { body: comment.elements.body.value, visibility: comment.elements.visibility.value } : null });
    section.querySelector('.discard-draft').hidden = !readDraft(draftId);
  };
  // Lays the draft's values over the form; the callers then show priority and state fields for what is there.
  const applyDraft = (draft) => {
    if (!draft) return;
    const names = Object.keys(draft.values).sort((a, b) => (a === 'category' ? -1 : b === 'category' ? 1 : 0));
    for (const name of names) {
      if (!form.elements[name] || form.elements[name].disabled) continue;
      form.elements[name].value = draft.values[name];
      if (name === 'category') showSubcategories();
    }
    if (draft.comment && number) {
      comment.elements.body.value = draft.comment.body || '';
      if (draft.comment.visibility) comment.elements.visibility.value = draft.comment.visibility;
    }
  };
  const load = async () => {
    ({ data: ticket, etag } = await api.getTicket(number));
    fill(section, form, ticket, showSubcategories);
    applyDraft(readDraft(draftId));
    showPriority();
    showStateFields();
    const final = ['closed', 'canceled'].includes(ticket.state);
    await Promise.all([showAgents(), renderActivity(section, number), renderRelated(section, ticket), renderCallPanel(section, number), renderAttachmentsPanel(section, number, final),
      showCanned(section, ticket),
      renderSimilarPanel(section, ticket, load), renderArticlesPanel(section, ticket, go)]);
  };

  let initial = {};
  if (number) {
    await load();
    comment.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const minutes = comment.elements.time_worked_minutes.value.trim();
        const posted = { body: comment.elements.body.value, visibility: comment.elements.visibility.value };
        if (minutes) posted.time_worked_minutes = Number(minutes);
        const { data: entry } = await api.addComment(number, posted);
        // Files go with the comment once it exists: each checked by the desk when its upload completes.
        for (const file of comment.elements.files.files) await uploadFile(number, file, entry.id);
        comment.elements.body.value = '';
        comment.elements.time_worked_minutes.value = '';
        comment.elements.files.value = '';
        keepDraft(); // the comment is posted; edits to the fields stay as they are
        await load();
      } catch (err) { report(err); }
    });
  } else {
    text(section, '.title', t('form.new'));
    fillOptions(form.elements.state, [['new', t('state.new')]]);
    form.elements.impact.value = '3';
    form.elements.urgency.value = '3';
    form.elements.channel.value = 'phone';
    initial = Object.fromEntries(CREATE_FIELDS.map((name) => [name, form.elements[name].value]));
    applyDraft(readDraft(draftId));
    showPriority();
    showStateFields();
    text(section, '.save', t('action.create'));
    bindTriage(section, form, showSubcategories);
  }
  const visibility = localStorage.getItem('atiende.visibility');
  if (visibility && !readDraft(draftId)?.comment?.visibility) comment.elements.visibility.value = visibility;
  comment.addEventListener('change', () => localStorage.setItem('atiende.visibility', comment.elements.visibility.value));
  if (readDraft(draftId)) {
    showError(t('draft.restored'));
    section.querySelector('.discard-draft').hidden = false;
  }
  section.addEventListener('input', keepDraft);
  section.addEventListener('change', keepDraft);
  section.querySelector('.discard-draft').addEventListener('click', async () => {
    dropDraft(draftId);
    section.querySelector('.conflict').hidden = true;
    comment.elements.body.value = '';
    showError('');
    if (number) await load();
    else {
      for (const name of CREATE_FIELDS) form.elements[name].value = initial[name];
      showSubcategories(); showPriority(); showStateFields();
    }
    section.querySelector('.discard-draft').hidden = true;
  });

  // Assign to me fills the field; the agent still saves, as with any other change.
  section.querySelector('.assign-to-me').addEventListener('click', async () => {
    const user = await me();
    if (user) form.elements.assigned_to.value = user.userDetails;
  });
  // A canned reply is inserted where the cursor is, filled in for this ticket; Alt+R reaches the picker.
  const insertCanned = async () => {
    const id = comment.elements.canned.value;
    if (!id) return;
    try {
      const { data } = await api.renderCanned(number, id);
      const box = comment.elements.body;
      const at = box.selectionStart ?? box.value.length;
      box.value = box.value.slice(0, at) + data.body + box.value.slice(box.selectionEnd ?? at);
      box.focus();
      box.setSelectionRange(at + data.body.length, at + data.body.length);
      keepDraft();
    } catch (err) { report(err); }
  };
  section.querySelector('.insert-canned').addEventListener('click', insertCanned);
  comment.elements.canned.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); insertCanned(); } });
  section.addEventListener('keydown', (event) => {
    if (event.altKey && !event.ctrlKey && (event.key === 'r' || event.key === 'R' || event.code === 'KeyR')) {
      event.preventDefault();
      comment.elements.canned.focus();
    }
  });
  // Ctrl+S saves the ticket, Ctrl+Enter posts the comment being written, as agents expect from ServiceNow.
  section.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    if (event.key === 's') {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === 'Enter' && event.target.closest('#comment-form')) {
      event.preventDefault();
      section.querySelector('#comment-form').requestSubmit();
    }
  });

  const idempotencyKey = crypto.randomUUID();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    clearFieldErrors(form);
    try {
      if (!number) {
        if (!(await settleContact(form, section.knownContact))) return;
        const { data } = await api.createTicket(newTicket(form), idempotencyKey);
        dropDraft(draftId);
        sessionStorage.setItem('atiende.focus', data.number);
        // Made: until the ticket's own form replaces this one, nothing typed here could be kept, so take no input.
        section.inert = true;
        go(`#/tickets/${data.number}`);
        return;
      }
      const changes = diff(form, ticket);
      // Resolving tells the caller: it waits a few seconds with Undo before anything is sent.
      // (Without its code and notes the desk refuses it at once, beside the fields: nothing to take back.)
      if (changes.state === 'resolved' && changes.close_code && changes.close_notes && !(await later(fillText(t('undo.resolve'), { number }) + (ticket.caller ? ` ${t('undo.tells_caller')}` : ''), async () => {}))) return;
      if (Object.keys(changes).length) {
        ({ data: ticket, etag } = await api.updateTicket(number, changes, etag));
      }
      writeDraft(draftId, { values: {}, base: {}, comment: readDraft(draftId)?.comment || null });
      section.querySelector('.conflict').hidden = true;
      await load();
      keepDraft();
      showSaved(t('form.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        const mine = readDraft(draftId);
        await load(); // the server's ticket, with the agent's edits laid over it again
        showConflict(section, form, ticket, mine, () => { showSubcategories(); showPriority(); showStateFields(); keepDraft(); });
        keepDraft();
      } else if (!showFieldErrors(form, err)) report(err);
    }
  });
  bindFolds(section);
  bindContactEditor(section, form, () => ticket, load);
  // The desk changed: an open ticket reloads itself when nothing typed would be lost, else says so.
  if (number) {
    onDeskChange(async ({ tickets }) => {
      if (!tickets.some((changed) => changed.number === number) || !section.isConnected) return;
      const { data: fresh } = await api.getTicket(number);
      if (fresh.version === ticket.version) return;
      const draft = readDraft(draftId);
      const typing = Object.keys(draft?.values || {}).length || comment.elements.body.value.trim();
      if (typing) showError(t('live.changed'));
      else await load();
    });
  }
  mount(section);
  // Focus where work goes on: the new ticket's first field after Create, the caller on a new form.
  const focusFor = sessionStorage.getItem('atiende.focus');
  if (number && focusFor === number) {
    sessionStorage.removeItem('atiende.focus');
    form.elements.state.focus();
  } else if (!number) form.elements.caller_name.focus();
}

/**
 * Before a ticket is made for a known phone with another name typed: update the contact's name, or keep the
 * name only on this ticket (someone else on that phone). False when the agent dismissed the question.
 */
async function settleContact(form, contact) {
  const typed = form.elements.caller_name.value.trim();
  if (!contact || !typed || sameName(typed, contact.name)) return true;
  const choice = contact.name
    ? await ask(fillText(t('contact.ask'), { name: contact.name, typed }),
      [['other', t('contact.other')], ['rename', fillText(t('contact.rename'), { name: contact.name, typed })]])
    : await ask(fillText(t('contact.ask_unnamed'), { typed }),
      [['rename', fillText(t('contact.name_it'), { typed })], ['other', t('contact.only_here')]]);
  if (choice === 'rename') await api.changeContact(contact.id, { name: typed });
  return choice !== null;
}

/** Two spellings of one name, as an agent reads them: case, spacing and accents aside. */
function sameName(a, b) {
  const fold = (name) => (name || '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().split(/\s+/).filter(Boolean).join(' ');
  return fold(a) === fold(b);
}

/** Renaming the ticket's contact is its own action, audited: it shows on all their tickets. */
function bindContactEditor(section, form, current, reload) {
  const editor = section.querySelector('.contact-editor');
  const open = section.querySelector('.edit-contact');
  const field = section.querySelector('input[name=contact_name]');
  open.addEventListener('click', () => {
    field.value = current()?.caller?.contact_name || '';
    editor.hidden = false;
    open.hidden = true;
    field.focus();
  });
  section.querySelector('.cancel-contact').addEventListener('click', () => { editor.hidden = true; open.hidden = false; });
  section.querySelector('#contact-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.changeContact(current().caller.id, { name: field.value.trim() });
      editor.hidden = true;
      await reload();
      showSaved(t('contact.saved'));
    } catch (err) { report(err); }
  });
}

/** Side panels fold away, and stay as the agent left them. */
function bindFolds(section) {
  for (const fold of section.querySelectorAll('details.fold')) {
    const key = `atiende.fold.${fold.dataset.fold}`;
    if (localStorage.getItem(key) === 'closed') fold.open = false;
    fold.addEventListener('toggle', () => localStorage.setItem(key, fold.open ? 'open' : 'closed'));
  }
}

/** The canned replies for this ticket's group, in its caller's language (else the agent's). */
async function showCanned(section, ticket) {
  const language = ticket.caller?.language || currentLanguage();
  const params = { language };
  if (ticket.assignment_group) params.assignment_group = ticket.assignment_group;
  const { data } = await api.cannedReplies(params);
  const select = section.querySelector('select[name=canned]');
  fillOptions(select, data.items.map((reply) => [String(reply.id), reply.title]), 1);
  section.querySelector('.canned').hidden = data.items.length === 0;
}

/** A field's value as the form shows it, from the ticket the server sent. */
function serverText(ticket, name) { return ticket[name] == null ? '' : String(ticket[name]); }

/** What a value looks like to the agent: the option's label for a choice, the text otherwise. */
function shown(form, name, raw) {
  if (raw === '' || raw == null) return t('conflict.empty');
  if (name === 'state') return t(`state.${raw}`);
  const option = form.elements[name].tagName === 'SELECT' && [...form.elements[name].options].find((o) => o.value === raw);
  return option ? option.textContent : raw;
}

/**
 * After a stale save: for each field both the agent and someone else changed, the two values side by side, the
 * agent's chosen until they pick the other. Fields only one side changed need no choice and are kept.
 */
function showConflict(section, form, ticket, mine, changed) {
  const panel = section.querySelector('.conflict');
  const clashes = Object.keys(mine?.values || {}).filter((name) => serverText(ticket, name) !== mine.base[name] && serverText(ticket, name) !== mine.values[name]);
  const list = panel.querySelector('.clashes');
  list.replaceChildren();
  for (const name of clashes) {
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = t(`field.${name}`);
    fieldset.append(legend);
    for (const [side, raw] of [['mine', mine.values[name]], ['theirs', serverText(ticket, name)]]) {
      const label = document.createElement('label');
      const radio = document.createElement('input');
      Object.assign(radio, { type: 'radio', name: `keep-${name}`, value: side, checked: side === 'mine' });
      radio.addEventListener('change', () => { form.elements[name].value = raw; changed(); });
      label.append(radio, ` ${t(`conflict.${side}`)}${shown(form, name, raw)}`);
      fieldset.append(label);
    }
    list.append(fieldset);
  }
  panel.hidden = false;
  showError(t('conflict.title'));
  panel.scrollIntoView({ block: 'center' });
}

function fill(section, form, ticket, showSubcategories) {
  text(section, '.title', ticket.number);
  text(section, '.state-badge', t(`state.${ticket.state}`));
  const worked = section.querySelector('.badge.worked');
  worked.hidden = !ticket.time_worked_minutes;
  worked.textContent = fillText(t('worked.total'), { time: formatMinutes(ticket.time_worked_minutes || 0) });
  fillOptions(form.elements.state, MOVES[ticket.state].map((s) => [s, t(`state.${s}`)]));
  form.elements.caller_name.value = ticket.caller?.name || '';
  // Someone else called from a known contact's phone: their name is on this ticket, the contact keeps its own.
  const known = section.querySelector('.known-caller');
  const other = ticket.caller && ticket.caller.contact_name && ticket.caller.name !== ticket.caller.contact_name;
  known.hidden = !other;
  if (other) known.textContent = fillText(t('contact.other_caller'), { name: ticket.caller.contact_name });
  section.querySelector('.edit-contact').hidden = !ticket.caller?.id || ['closed', 'canceled'].includes(ticket.state);
  form.elements.caller_phone.value = ticket.caller?.phone || '';
  form.elements.caller_name.readOnly = true;
  form.elements.caller_phone.readOnly = true;
  form.elements.channel.value = ticket.channel;
  form.elements.channel.disabled = true;
  form.elements.category.value = ticket.category || '';
  showSubcategories();
  for (const name of EDITABLE) {
    if (name === 'category') continue;
    form.elements[name].value = ticket[name] == null ? '' : String(ticket[name]);
  }
  const final = ['closed', 'canceled'].includes(ticket.state);
  for (const el of form.elements) if (el.name && el.tagName !== 'BUTTON') el.disabled = el.disabled || final;
  section.querySelector('.save').hidden = final;
  section.querySelector('#comment-form').hidden = final;
  const sla = section.querySelector('.sla');
  sla.hidden = false;
  const body = sla.querySelector('tbody');
  body.replaceChildren();
  for (const name of ['response', 'resolution']) {
    const clock = ticket.sla[name];
    const tr = document.createElement('tr');
    if (clock.breached) tr.classList.add('breached');
    for (const value of [t(`sla.${name}`), t(`sla.${clock.stage}`) + (clock.breached ? ` (${t('sla.breached')})` : ''), formatPercent(clock.elapsed_percentage / 100, 1), formatTime(clock.breach_at)]) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    body.append(tr);
  }
}

/** Child tickets and the caller's other tickets, each a link. */
async function renderRelated(section, ticket) {
  const panel = section.querySelector('.related');
  const lists = [['.children', { parent: ticket.number, limit: '10' }], ['.callers', ticket.caller?.phone ? { caller_phone: ticket.caller.phone, limit: '11' } : null]];
  await Promise.all(lists.map(async ([selector, params]) => {
    const list = panel.querySelector(selector);
    const items = params ? (await api.listTickets(params)).data.items.filter((other) => other.number !== ticket.number).slice(0, 10) : [];
    list.replaceChildren(...(items.length ? items.map((other) => {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.href = `#/tickets/${other.number}`;
      link.textContent = other.number;
      li.append(link, ` · ${t(`state.${other.state}`)} · ${other.short_description}`);
      return li;
    }) : [Object.assign(document.createElement('li'), { textContent: t('related.none') })]));
  }));
  panel.hidden = false;
}

function value(form, name) {
  const raw = form.elements[name].value.trim();
  return raw === '' ? null : raw;
}

function newTicket(form) {
  const ticket = { short_description: form.elements.short_description.value, impact: Number(form.elements.impact.value), urgency: Number(form.elements.urgency.value), channel: form.elements.channel.value };
  for (const name of ['description', 'category', 'subcategory', 'assignment_group', 'assigned_to', 'parent']) {
    const v = value(form, name);
    if (v !== null) ticket[name] = v;
  }
  const caller = { name: value(form, 'caller_name'), phone: value(form, 'caller_phone') };
  if (caller.name || caller.phone) ticket.caller = Object.fromEntries(Object.entries(caller).filter(([, v]) => v));
  return ticket;
}

function diff(form, ticket) {
  const changes = {};
  for (const name of EDITABLE) {
    let v = value(form, name);
    if (name === 'impact' || name === 'urgency') v = Number(v);
    if (name === 'description') v = form.elements.description.value;
    if (v !== (ticket[name] ?? null) && !(v === null && ticket[name] === '')) changes[name] = v;
  }
  for (const name of ['on_hold_reason', 'close_code', 'close_notes']) if (changes[name] === null) delete changes[name];
  if (changes.state) {
    // What the new state needs goes with it; what is left empty is left out, for the API to say it is required.
    const needs = { on_hold: ['on_hold_reason'], resolved: ['close_code', 'close_notes'] }[changes.state] || [];
    for (const name of needs) if (value(form, name) !== null) changes[name] = value(form, name);
  }
  return changes;
}
