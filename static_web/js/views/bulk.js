/**
 * Bulk actions on the list's selected rows: assign, change state, resolve. Each ticket is updated on its own,
 * with the version the list showed (If-Match), so its own rules apply and nobody's newer change is overwritten;
 * the result names each ticket that was not updated, and why.
 */
import { api, ApiError } from '../api.js';
import { ask, fillOptions, text } from '../dom.js';
import { plural, t } from '../i18n.js';
import { later } from '../undo.js';
import { errorText } from '../validation.js';

const STATES = ['in_progress', 'on_hold', 'canceled'];
const HOLD = ['awaiting_caller', 'awaiting_change', 'awaiting_problem', 'awaiting_vendor'];
const CLOSE = ['solved_permanently', 'solved_workaround', 'solved_remotely', 'not_solved_not_reproducible', 'not_solved_too_costly', 'resolved_by_caller'];

/**
 * @param {HTMLElement} section the list
 * @param {Map<string, object>} shown the tickets on the page by number
 * @param {string[]} groups assignment group names
 * @param {(ticket: object) => HTMLTableRowElement} row draws an updated ticket's row
 * @param {() => Promise<void>} refreshed takes away the rows that left the view after a change
 */
export function bindBulk(section, shown, groups, row, refreshed) {
  const bar = section.querySelector('.bulk');
  const picked = () => [...section.querySelectorAll('tbody input.pick:checked')].map((box) => box.value);
  const refresh = () => {
    const count = picked().length;
    bar.hidden = count === 0;
    text(bar, '.selected-count', plural('bulk.selected', count));
    const all = section.querySelector('.select-all');
    const boxes = section.querySelectorAll('tbody input.pick');
    all.checked = boxes.length > 0 && count === boxes.length;
    all.indeterminate = count > 0 && count < boxes.length;
  };
  section.querySelector('.select-all').addEventListener('change', (event) => {
    section.querySelectorAll('tbody input.pick').forEach((box) => { box.checked = event.target.checked; });
    refresh();
  });
  section.querySelector('tbody').addEventListener('change', (event) => { if (event.target.matches('input.pick')) refresh(); });

  const assign = bar.querySelector('.bulk-assign');
  fillOptions(assign.elements.assignment_group, groups.map((g) => [g, g]), 1);
  const state = bar.querySelector('.bulk-state');
  fillOptions(state.elements.state, STATES.map((s) => [s, t(`state.${s}`)]));
  fillOptions(state.elements.on_hold_reason, HOLD.map((r) => [r, t(`hold.${r}`)]));
  state.elements.state.addEventListener('change', () => { state.elements.on_hold_reason.hidden = state.elements.state.value !== 'on_hold'; });
  const resolve = bar.querySelector('.bulk-resolve');
  fillOptions(resolve.elements.close_code, CLOSE.map((c) => [c, t(`close.${c}`)]), 1);

  const run = async (event, changesFor, undoable = () => false) => {
    event.preventDefault();
    const numbers = picked();
    // A change of state reaches callers (resolved, waiting for them): asked first when any ticket has one, then
    // it waits a few seconds with Undo.
    if (undoable(numbers)) {
      const callers = numbers.filter((number) => shown.get(number)?.caller).length;
      if (callers && (await ask(plural('confirm.bulk', callers), [['yes', t('confirm.go_on')], ['', t('contact.cancel')]])) !== 'yes') return;
      if (!(await later(plural('undo.bulk', numbers.length), async () => {}))) return;
    }
    const failures = [];
    for (const number of numbers) {
      const ticket = shown.get(number);
      try {
        const { data } = await api.updateTicket(number, changesFor(), `"${ticket.version}"`);
        shown.set(number, data);
        section.querySelector(`tr[data-number="${number}"]`).replaceWith(row(data));
      } catch (err) {
        failures.push([number, reason(err)]);
        section.querySelector(`tr[data-number="${number}"]`).classList.add('failed');
      }
    }
    const result = bar.querySelector('.bulk-result');
    result.replaceChildren(t('bulk.done').replace('{ok}', String(numbers.length - failures.length)).replace('{count}', String(numbers.length)));
    if (failures.length) {
      const list = document.createElement('ul');
      for (const [number, why] of failures) {
        const item = document.createElement('li');
        const link = document.createElement('a');
        link.href = `#/tickets/${number}`;
        link.textContent = number;
        item.append(link, `: ${why}`);
        list.append(item);
      }
      result.append(list);
    }
    refresh();
    await refreshed();
  };
  const value = (form, name) => form.elements[name].value.trim() || null;
  assign.addEventListener('submit', (event) => run(event, () => {
    const changes = { assigned_to: value(assign, 'assigned_to') };
    if (value(assign, 'assignment_group')) changes.assignment_group = value(assign, 'assignment_group');
    return changes;
  }));
  state.addEventListener('submit', (event) => run(event, () => (state.elements.state.value === 'on_hold'
    ? { state: 'on_hold', on_hold_reason: state.elements.on_hold_reason.value } : { state: state.elements.state.value }), () => true));
  resolve.addEventListener('submit', (event) => run(event, () => {
    const changes = { state: 'resolved' };
    for (const name of ['close_code', 'close_notes']) if (value(resolve, name)) changes[name] = value(resolve, name);
    return changes;
  }, () => Boolean(value(resolve, 'close_code') && value(resolve, 'close_notes'))));
}

/** Why one ticket was not updated, in the agent's language where the API said which rule it broke. */
function reason(err) {
  if (err instanceof ApiError && err.status === 412) return t('bulk.stale');
  if (err instanceof ApiError && err.problem?.errors?.length) {
    return err.problem.errors.map((e) => `${t(`field.${(e.pointer || '').split('/')[1]}`)}: ${errorText(e.code)}`).join('; ');
  }
  return err instanceof ApiError ? (err.problem?.detail || `HTTP ${err.status}`) : String(err);
}
