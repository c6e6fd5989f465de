/**
 * Live updates by conditional polling: every few seconds, while the page is visible, one GET /api/changes with
 * the last answer's ETag. An unchanged desk answers 304 (two index probes, no body); a change tells the page on
 * screen which tickets were written, and a new phone ticket is announced quietly.
 */
import { changesSince } from './api.js';
import { t } from './i18n.js';
import { announce } from './undo.js';

const EVERY_MS = 2500;
let tag = null;
let latest = null;
const listeners = new Set();

/**
 * Call fn({tickets}) after a change; null forgets every listener (a navigation). A page drawn for a navigation
 * that lost the race adds one too: each checks that its page is still the one on screen.
 */
export function onDeskChange(fn) {
  if (fn === null) listeners.clear();
  else listeners.add(fn);
}

async function poll() {
  if (document.hidden) return;
  try {
    const found = await changesSince(latest, tag);
    if (!found) return;
    const first = latest === null;
    ({ latest } = found);
    tag = found.etag;
    if (first) return;
    for (const ticket of found.tickets.filter((x) => x.opened && x.channel === 'phone').reverse()) {
      const link = document.createElement('a');
      link.href = `#/tickets/${ticket.number}`;
      link.textContent = ticket.number;
      announce(t('live.new_phone').replace('{short}', ticket.short_description), link);
    }
    if (found.tickets.length) for (const listener of [...listeners]) listener(found);
  } catch { /* the next poll tries again: a flaky network only delays the news */ }
}

export function startPolling() {
  poll();
  setInterval(poll, EVERY_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
}
