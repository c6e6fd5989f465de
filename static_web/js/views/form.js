/** The incident form: create a ticket, or read and work one with its SLA and activity. */
import { api, ApiError, me } from '../api.js';
import { clone, fillOptions, report, showError, text } from '../dom.js';
import { formatTime, t, translate } from '../i18n.js';
import { renderCallPanel } from './call_panel.js';
import { renderSimilarPanel } from './similar_panel.js';
import { bindTriage } from './triage_panel.js';
import { renderArticlesPanel } from './articles_panel.js';

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

  let ticket = null;
  let etag = null;
  const load = async () => {
    ({ data: ticket, etag } = await api.getTicket(number));
    fill(section, form, ticket, showSubcategories);
    showPriority();
    showStateFields();
    await Promise.all([renderActivity(section, number), renderCallPanel(section, number),
      renderSimilarPanel(section, ticket, load), renderArticlesPanel(section, ticket, go)]);
  };

  if (number) {
    await load();
    section.querySelector('#comment-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const comment = /** @type {HTMLFormElement} */ (event.currentTarget);
      try {
        await api.addComment(number, { body: comment.elements.body.value, visibility: comment.elements.visibility.value });
        comment.reset();
        await load();
      } catch (err) { report(err); }
    });
  } else {
    text(section, '.title', t('form.new'));
    fillOptions(form.elements.state, [['new', t('state.new')]]);
    form.elements.impact.value = '3';
    form.elements.urgency.value = '3';
    form.elements.channel.value = 'phone';
    showPriority();
    showStateFields();
    text(section, '.save', t('action.create'));
    bindTriage(section, form, showSubcategories);
  }

  // Assign to me fills the field; the agent still saves, as with any other change.
  section.querySelector('.assign-to-me').addEventListener('click', async () => {
    const user = await me();
    if (user) form.elements.assigned_to.value = user.userDetails;
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
    try {
      if (!number) {
        const { data } = await api.createTicket(newTicket(form), idempotencyKey);
        go(`#/tickets/${data.number}`);
        return;
      }
      const changes = diff(form, ticket);
      if (Object.keys(changes).length) {
        ({ data: ticket, etag } = await api.updateTicket(number, changes, etag));
      }
      await load();
      showError(t('form.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await load();
        showError(t('form.stale'));
      } else report(err);
    }
  });
  mount(section);
}

function fill(section, form, ticket, showSubcategories) {
  text(section, '.title', ticket.number);
  text(section, '.state-badge', t(`state.${ticket.state}`));
  fillOptions(form.elements.state, MOVES[ticket.state].map((s) => [s, t(`state.${s}`)]));
  form.elements.caller_name.value = ticket.caller?.name || '';
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
    for (const value of [t(`sla.${name}`), t(`sla.${clock.stage}`) + (clock.breached ? ` (${t('sla.breached')})` : ''), `${clock.elapsed_percentage}%`, formatTime(clock.breach_at)]) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    body.append(tr);
  }
}

async function renderActivity(section, number) {
  const list = section.querySelector('.entries');
  const { data } = await api.activity(number);
  list.replaceChildren();
  for (const entry of [...data.items].reverse()) {
    const li = clone('entry-template');
    li.classList.add(entry.kind);
    text(li, '.actor', entry.actor);
    text(li, '.kind', t(`kind.${entry.kind}`));
    const time = li.querySelector('time');
    time.textContent = formatTime(entry.created_at);
    time.setAttribute('datetime', entry.created_at);
    text(li, '.text', entry.kind === 'audit' ? `${entry.field}: ${entry.old_value ?? '∅'} → ${entry.new_value ?? '∅'}` : entry.body);
    list.append(li);
  }
  section.querySelector('.activity').hidden = false;
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
    if (changes.state === 'on_hold') changes.on_hold_reason = value(form, 'on_hold_reason');
    if (changes.state === 'resolved') { changes.close_code = value(form, 'close_code'); changes.close_notes = value(form, 'close_notes'); }
  }
  return changes;
}
