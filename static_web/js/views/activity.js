/**
 * A ticket's activity, newest first, as an agent reads it: the field changes of one save grouped together with
 * their labels and values in the agent's language, the actor's display name, and a filter that stays where the
 * agent left it.
 */
import { api } from '../api.js';
import { clone, text } from '../dom.js';
import { fill as fillText, formatMinutes, formatTime, renderNote, t } from '../i18n.js';
import { fileItem } from './attachments_panel.js';

const FILTER_KEY = 'atiende.activity.filter';
// How a field's stored value reads: the same words the form uses.
const VALUE_KEYS = { state: 'state', impact: 'level', urgency: 'level', priority: 'priority', on_hold_reason: 'hold', close_code: 'close', channel: 'channel' };

/** The words for a stored value of a field, or the value itself. */
function display(field, value) {
  if (value == null || value === '') return '∅';
  const prefix = VALUE_KEYS[field];
  return prefix ? t(`${prefix}.${value}`) : value;
}

/** One entry per comment or work note, and one per save for its field changes (same actor, same instant). */
export function group(items) {
  const entries = [];
  for (const item of items) {
    const last = entries[entries.length - 1];
    if (item.kind === 'audit' && last?.kind === 'audit' && last.actor === item.actor && last.created_at === item.created_at) {
      last.changes.push(item);
    } else {
      entries.push(item.kind === 'audit' ? { ...item, changes: [item] } : item);
    }
  }
  return entries.reverse();
}

export async function renderActivity(section, number) {
  const list = section.querySelector('.entries');
  const { data } = await api.activity(number);
  list.replaceChildren();
  for (const entry of group(data.items)) {
    const li = clone('entry-template');
    li.classList.add(entry.kind);
    li.dataset.kind = entry.kind;
    text(li, '.actor', entry.actor_name || entry.actor);
    li.querySelector('.actor').title = entry.actor;
    text(li, '.kind', t(`kind.${entry.kind}`));
    const time = li.querySelector('time');
    time.textContent = formatTime(entry.created_at);
    time.setAttribute('datetime', entry.created_at);
    if (entry.kind === 'audit') {
      const changes = document.createElement('ul');
      changes.className = 'changes';
      for (const change of entry.changes) {
        const row = document.createElement('li');
        const label = document.createElement('strong');
        label.textContent = `${t(`field.${change.field}`)}: `;
        row.append(label, `${display(change.field, change.old_value)} → ${display(change.field, change.new_value)}`);
        changes.append(row);
      }
      li.querySelector('.text').replaceWith(changes);
    } else text(li, '.text', entry.note_parts ? renderNote(entry.note_parts) : entry.body);
    if (entry.time_worked_minutes) {
      const worked = document.createElement('p');
      worked.className = 'worked hint';
      worked.textContent = fillText(t('worked.entry'), { time: formatMinutes(entry.time_worked_minutes) });
      li.append(worked);
    }
    if (entry.attachments?.length) {
      const files = document.createElement('ul');
      files.className = 'files';
      files.append(...entry.attachments.map((file) => fileItem(number, file)));
      li.append(files);
    }
    if (entry.kind === 'notification') {
      // Where the message went and what became of it, as Twilio or the mail system said.
      const sent = document.createElement('p');
      sent.className = 'delivery';
      sent.textContent = `${t(`via.${entry.field}`)} → ${entry.old_value} · ${t(`delivery.${entry.new_value}`)}`;
      if (entry.detail) sent.title = entry.detail;
      li.append(sent);
    }
    list.append(li);
  }
  const filter = section.querySelector('.activity-filter');
  const apply = () => {
    const wanted = filter.elements.show.value;
    list.querySelectorAll(':scope > li').forEach((li) => { li.hidden = wanted !== 'all' && li.dataset.kind !== wanted; });
  };
  if (!filter.dataset.bound) {
    filter.dataset.bound = 'yes';
    filter.elements.show.value = localStorage.getItem(FILTER_KEY) || 'all';
    filter.addEventListener('change', () => { localStorage.setItem(FILTER_KEY, filter.elements.show.value); apply(); });
  }
  apply();
  section.querySelector('.activity').hidden = false;
}
