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
let listener = null;

/** The page on screen's one listener, replaced on each navigation: fn({tickets}) after a change. */
export function onDeskChange(fn) { listener = fn; }

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
    if (listener && found.tickets.length) listener(found);
  } catch { /* the next poll tries again: a flaky network only delays the news */ }
}

export function startPolling() {
  poll();
  setInterval(poll, EVERY_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
}
