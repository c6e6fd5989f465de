/** The agents' landing page: what is open, what is late, and how the last 30 days went, from /api/dashboard. */
import { api } from '../api.js';
import { barChart, dataTable, dayColumns } from '../charts.js';
import { clone, text } from '../dom.js';
import { currentLanguage, formatNumber, plural, t, translate } from '../i18n.js';
import { onDeskChange } from '../live.js';

/** @param {(node: HTMLElement) => void} mount */
export async function renderDashboard(mount) {
  const section = clone('dashboard-template');
  translate(section);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const board = (await api.dashboard(tz)).data;
  const n = formatNumber;
  text(section, '.open-total', n(board.open));
  text(section, '.at-risk', n(board.sla.at_risk));
  text(section, '.breached', n(board.sla.breached));
  text(section, '.mttr', board.mean_time_to_resolve_hours === null ? '—'
    : t('dash.hours').replace('{hours}', new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(board.mean_time_to_resolve_hours)));

  text(section, '.untriaged', n(board.untriaged));
  const majors = section.querySelector('.major-list');
  section.querySelector('.majors .none').hidden = board.major_incidents.length > 0;
  for (const major of board.major_incidents) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#/tickets/${major.number}`;
    link.textContent = major.number;
    const what = document.createElement('span');
    what.textContent = ` ${major.short_description} · ${plural('list.affected', major.affected_callers)} · ${t(`priority.${major.priority}`)}`;
    item.append(link, what);
    majors.append(item);
  }

  renderSatisfaction(section, (await api.satisfaction()).data);

  const open = (filters) => `#/tickets?${new URLSearchParams({ view: 'open', ...filters })}`;
  const priorities = board.by_priority.map((p) => ({ label: t(`priority.${p.priority}`), value: p.count, tone: `p${p.priority}`, href: open({ priority: String(p.priority) }) }));
  figure(section, '.by-priority', t('dash.by_priority'), priorities, [t('field.priority'), t('dash.open')]);
  const states = board.by_state.map((s) => ({ label: t(`state.${s.state}`), value: s.count, href: open({ state: s.state }) }));
  figure(section, '.by-state', t('dash.by_state'), states, [t('field.state'), t('dash.open')]);
  const groups = board.by_group.slice(0, 8).map((g) => ({ label: g.assignment_group ?? t('dash.no_group'), value: g.count,
    href: g.assignment_group ? open({ assignment_group: g.assignment_group }) : '#/tickets?view=untriaged' }));
  figure(section, '.by-group', t('dash.by_group'), groups, [t('field.assignment_group'), t('dash.open')]);
  const sla = [
    { label: t('dash.on_track'), value: board.sla.on_track, tone: 'good' },
    { label: t('dash.at_risk'), value: board.sla.at_risk, tone: 'warn' },
    { label: t('dash.breached'), value: board.sla.breached, tone: 'bad' },
  ];
  figure(section, '.by-sla', t('dash.sla'), sla, [t('sla.name'), t('dash.open')]);

  const day = (iso) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
  const trend = section.querySelector('.per-day');
  const opened = board.per_day.reduce((sum, d) => sum + d.opened, 0);
  const summary = t('dash.per_day_summary').replace('{opened}', n(opened)).replace('{resolved}', n(board.resolved_in_period));
  trend.querySelector('.chart-slot').append(dayColumns(summary, board.per_day,
    [{ key: 'opened', tone: 'opened' }, { key: 'resolved', tone: 'resolved' }], day));
  trend.querySelector('.numbers').append(dataTable(t('dash.per_day'), [t('dash.day'), t('dash.opened'), t('dash.resolved')],
    board.per_day.map((d) => [day(d.date), n(d.opened), n(d.resolved)])));
  // The numbers follow the desk: drawn again after a change, at most every ten seconds.
  let drawnAt = Date.now();
  onDeskChange(() => {
    if (!section.isConnected || Date.now() - drawnAt < 10_000) return;
    drawnAt = Date.now();
    renderDashboard((node) => { if (section.isConnected) section.replaceWith(node); });
  });
  mount(section);
}

/** CSAT by group and week (answers, average rating, share of 4 and 5), and the tickets rated low. */
function renderSatisfaction(section, csat) {
  const n = formatNumber;
  const share = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 });
  const average = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 });
  const week = (iso) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso));
  section.querySelector('.csat .none').hidden = csat.by_group_and_week.length > 0;
  if (csat.by_group_and_week.length) {
    section.querySelector('.csat-table').append(dataTable(t('dash.csat'),
      [t('field.assignment_group'), t('dash.week'), t('dash.ratings'), t('dash.average'), t('dash.satisfied')],
      csat.by_group_and_week.map((r) => [r.assignment_group || t('dash.no_group'), week(r.week), n(r.answers),
        average.format(r.average), share.format(r.satisfied)])));
  }
  section.querySelector('.none-flagged').hidden = csat.flagged.length > 0;
  const list = section.querySelector('.flagged-list');
  for (const low of csat.flagged) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#/tickets/${low.number}`;
    link.textContent = low.number;
    const what = document.createElement('span');
    what.textContent = ` ${low.short_description} · ${low.rating}/5${low.comment ? ` · “${low.comment}”` : ''}`;
    item.append(link, what);
    list.append(item);
  }
}

function figure(section, selector, caption, items, header) {
  const slot = section.querySelector(selector);
  const summary = `${caption}: ${items.map((i) => `${i.label} ${formatNumber(i.value)}`).join(', ')}`;
  slot.querySelector('.chart-slot').append(barChart(summary, items, formatNumber));
  slot.querySelector('.numbers').append(dataTable(caption, header, items.map((i) => [i.label, formatNumber(i.value)])));
}

function locale() { return currentLanguage() === 'es' ? 'es-ES' : 'en-US'; }
