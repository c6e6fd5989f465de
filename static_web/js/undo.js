/**
 * Actions an agent can take back for a few seconds: the change waits here, with an Undo button, before it is
 * sent. Nothing reaches the desk (or the caller) until the time is up; leaving the page sends what waits.
 */
import { keepAlive } from './api.js';
import { t } from './i18n.js';

const WAIT_MS = 5000;
const waiting = new Set();

/**
 * Show `message` with Undo, and run `action` once the time is up unless the agent undid it.
 * @param {string} message @param {() => Promise<void>} action @returns {Promise<boolean>} whether it ran
 */
export function later(message, action) {
  const toast = document.createElement('div');
  toast.className = 'toast undo';
  const words = document.createElement('span');
  words.textContent = message;
  const undo = document.createElement('button');
  undo.type = 'button';
  undo.className = 'undo-button';
  undo.textContent = t('undo.button');
  toast.append(words, ' ', undo);
  document.getElementById('toasts').append(toast);
  undo.focus();
  return new Promise((resolve) => {
    const entry = { run: null };
    const finish = async (ran) => {
      clearTimeout(timer);
      waiting.delete(entry);
      toast.remove();
      if (ran) await action();
      resolve(ran);
    };
    entry.run = () => finish(true);
    const timer = setTimeout(entry.run, WAIT_MS);
    waiting.add(entry);
    undo.addEventListener('click', () => { finish(false); announce(t('undo.undone')); });
  });
}

/** A passing word in the toasts, gone after a few seconds. */
export function announce(message, link) {
  const toast = document.createElement('div');
  toast.className = 'toast';
  toast.append(message);
  if (link) toast.append(' ', link);
  document.getElementById('toasts').append(toast);
  setTimeout(() => toast.remove(), 8000);
}

// Closing the tab or leaving the app sends what was waiting: an agent who resolved and left meant it.
window.addEventListener('pagehide', () => {
  keepAlive(true);
  for (const entry of [...waiting]) entry.run();
});
