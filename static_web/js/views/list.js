/** The incident list: a view, filters, sortable columns and keyset pages. */
import { api } from '../api.js';
import { clone, delegate, fillOptions, text } from '../dom.js';
import { formatNumber, formatTime, plural, t, translate } from '../i18n.js';
import { bindBulk } from './bulk.js';
import { bindCrumbs } from './crumbs.js';
import { onDeskChange } from '../live.js';

const STATES = ['new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled'];
const CHANNELS = ['phone', 'web', 'email', 'sms', 'api'];
// Every filter the form sets, and the URL keeps.
const FILTERS = ['q', 'state', 'priority', 'assignment_group', 'channel'];
// Cursors are base64url; this word is never one, and marks the first page in the list of pages before.
const FIRST = 'first';

/**
 * Render the list for the query in the URL hash, and keep it in step with the filters.
 * @param {(node: HTMLElement) => void} mount puts the page on screen unless a newer navigation won
 * @param {URLSearchParams} params view, filters, sort and cursor
 * @param {(params: URLSearchParams) => void} navigate
 */
export async function renderList(mount, params, navigate) {
  const section = clone('list-template');
  translate(section);
  const form = section.querySelector('#filters');
  fillOptions(form.elements.state, STATES.map((s) => [s, t(`state.${s}`)]), 1);
  fillOptions(form.elements.priority, [1, 2, 3, 4, 5].map((p) => [String(p), t(`priority.${p}`)]), 1);
  fillOptions(form.elements.channel, CHANNELS.map((c) => [c, t(`channel.${c}`)]), 1);
  // The page is all in the URL: the cursor, the cursors of the pages before it (for Previous), the size. Its
  // tickets are asked for at once, beside the groups, rather than after them.
  const limit = ['10', '25', '50', '100'].includes(params.get('limit')) ? params.get('limit') : '25';
  const back = (params.get('back') || '').split('.').filter(Boolean);
  const query = new URLSearchParams(params);
  query.delete('back');
  query.set('limit', limit);
  const asked = api.listTickets(query);
  asked.catch(() => {}); // reported where it is awaited; a rejection must not surface before that
  const groups = (await api.groups()).data.items;
  fillOptions(form.elements.assignment_group, groups.map((g) => [g.name, g.name]), 1);
  for (const name of FILTERS) form.elements[name].value = params.get(name) || '';
  // The CSV has every row this view and its filters keep, in its order, not only this page.
  const exported = new URLSearchParams(query);
  for (const name of ['cursor', 'limit']) exported.delete(name);
  section.querySelector('.export').href = `/api/tickets.csv?${exported}`;

  bindCrumbs(section, params, navigate);
  const sort = params.get('sort') || '-number';
  // The sorted column says so to screen readers (aria-sort) as well as with its arrow.
  const sorted = section.querySelector(`th[data-sort="${sort.replace('-', '')}"]`);
  if (sorted) {
    sorted.classList.add(sort.startsWith('-') ? 'desc' : 'asc');
    sorted.setAttribute('aria-sort', sort.startsWith('-') ? 'descending' : 'ascending');
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams({ view: params.get('view') || 'all', sort });
    if (params.get('limit')) next.set('limit', params.get('limit'));
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) next.set(name, value);
    }
    navigate(next);
  });
  delegate(section, 'click', 'th[data-sort]', (event, th) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    next.delete('back');
    next.set('sort', sort === th.dataset.sort ? `-${th.dataset.sort}` : th.dataset.sort);
    navigate(next);
  });

  const page = (await asked).data;
  const body = section.querySelector('tbody');
  for (const ticket of page.items) body.append(row(ticket));
  // After a bulk change, and when the desk changes while nothing is selected, the page is drawn again: rows
  // that left this view's queue go, new ones come.
  const redraw = () => navigate(new URLSearchParams(params));
  const dropLeavers = async () => {
    const still = new Set((await api.listTickets(query)).data.items.map((ticket) => ticket.number));
    body.querySelectorAll('tr[data-number]').forEach((tr) => { if (!still.has(tr.dataset.number)) tr.remove(); });
  };
  bindBulk(section, new Map(page.items.map((ticket) => [ticket.number, ticket])), groups.map((g) => g.name), row, dropLeavers);
  onDeskChange(() => {
    const busy = section.querySelector('tbody input.pick:checked') || section.contains(document.activeElement) && document.activeElement.matches('input, select, textarea');
    if (section.isConnected && !busy) redraw();
  });
  section.querySelector('.empty').hidden = page.items.length > 0;
  const start = back.length * Number(limit) + 1;
  text(section, '.count', page.items.length ? t('list.count').replace('{start}', formatNumber(start))
    .replace('{end}', formatNumber(start + page.items.length - 1)).replace('{total}', (page.total_is_estimate ? t('list.about') : '') + formatNumber(page.total)) : '');
  const go = (change) => { const p = new URLSearchParams(params); change(p); navigate(p); };
  const next = section.querySelector('.next');
  next.hidden = !page.next_cursor;
  next.addEventListener('click', () => go((p) => {
    p.set('back', [...back, params.get('cursor') || FIRST].join('.'));
    p.set('cursor', page.next_cursor);
  }));
  const previous = section.querySelector('.previous');
  previous.hidden = back.length === 0;
  previous.addEventListener('click', () => go((p) => {
    const before = back[back.length - 1];
    if (before === FIRST) p.delete('cursor'); else p.set('cursor', before);
    if (back.length > 1) p.set('back', back.slice(0, -1).join('.')); else p.delete('back');
  }));
  const first = section.querySelector('.first');
  first.hidden = back.length === 0;
  first.addEventListener('click', () => go((p) => { p.delete('cursor'); p.delete('back'); }));
  const size = section.querySelector('select[name=limit]');
  size.value = limit;
  size.addEventListener('change', () => go((p) => { p.set('limit', size.value); p.delete('cursor'); p.delete('back'); }));
  // "Back to list" on a ticket returns here: this view, its filters, sort and page.
  sessionStorage.setItem('atiende.list', location.hash || '#/tickets');
  mount(section);
}

function row(ticket) {
  const tr = clone('row-template');
  tr.dataset.number = ticket.number;
  const pick = tr.querySelector('input.pick');
  pick.value = ticket.number;
  pick.setAttribute('aria-label', t('bulk.select').replace('{number}', ticket.number));
  const link = tr.querySelector('.number');
  link.textContent = ticket.number;
  link.setAttribute('href', `#/tickets/${ticket.number}`);
  text(tr, '.opened_at', formatTime(ticket.opened_at));
  text(tr, '.short_description', ticket.short_description);
  if (ticket.affected_callers > 1) {
    // An outage: how many people called about it, beside what it is.
    const affected = document.createElement('span');
    affected.className = 'affected';
    affected.textContent = plural('list.affected', ticket.affected_callers);
    tr.querySelector('.short_description').append(' ', affected);
  }
  text(tr, '.caller', ticket.caller?.name || ticket.caller?.phone || '');
  const priority = tr.querySelector('.priority');
  const pill = document.createElement('span');
  pill.className = 'pill';
  pill.dataset.priority = String(ticket.priority);
  pill.textContent = t(`priority.${ticket.priority}`);
  priority.append(pill);
  priority.dataset.priority = String(ticket.priority);
  text(tr, '.state', t(`state.${ticket.state}`));
  text(tr, '.category', ticket.category);
  text(tr, '.assignment_group', ticket.assignment_group);
  text(tr, '.assigned_to', ticket.assigned_to);
  text(tr, '.channel', t(`channel.${ticket.channel}`));
  text(tr, '.updated_at', formatTime(ticket.updated_at || ticket.opened_at));
  // Late or nearly late tickets carry a word as well as a colour: the legend under the list explains both.
  const clock = ticket.sla.resolution;
  const late = clock.stage !== 'completed' && clock.stage !== 'canceled' && (clock.breached || clock.elapsed_percentage >= 75);
  if (late) {
    const flag = tr.querySelector('.sla-flag');
    flag.hidden = false;
    flag.classList.add(clock.breached ? 'breached' : 'at-risk');
    flag.textContent = t(clock.breached ? 'sla.breached_flag' : 'sla.at_risk');
    tr.classList.add(clock.breached ? 'breached' : 'at-risk');
  }
  return tr;
}
