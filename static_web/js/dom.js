/** Small DOM helpers: templates, options and text, never innerHTML with data. */
import { ApiError } from './api.js';

/** A deep copy of a <template>'s first element. */
export function clone(id) {
  return /** @type {HTMLTemplateElement} */ (document.getElementById(id)).content.firstElementChild.cloneNode(true);
}

/** Replace a select's options after the first `keep` with [value, label] pairs. */
export function fillOptions(select, pairs, keep = 0) {
  while (select.options.length > keep) select.remove(keep);
  for (const [value, label] of pairs) select.add(new Option(label, value));
}

/** Set the text of the first element matching selector under root. */
export function text(root, selector, value) {
  const el = root.querySelector(selector);
  if (el) el.textContent = value ?? '';
}

/** Show a message in the page's alert line; empty hides it. */
export function showError(message) {
  document.getElementById('saved').hidden = true; // the next thing said replaces the last
  const el = document.getElementById('error');
  el.textContent = message || '';
  el.hidden = !message;
}

/** Call handler(event, match) for events on elements under root that match selector. */
export function delegate(root, type, selector, handler) {
  root.addEventListener(type, (event) => {
    const match = event.target.closest(selector);
    if (match && root.contains(match)) handler(event, match);
  });
}

/** Show an error in the alert line: a problem document's detail and each invalid field, or the message. */
export function report(err) {
  if (err instanceof ApiError && err.problem) {
    const fields = (err.problem.errors || []).map((e) => `${(e.pointer || e.parameter || e.header || '').replace(/^\//, '')}: ${e.detail}`);
    showError([err.problem.detail, ...fields].join(' · '));
  } else showError(String(err.message || err));
}

/**
 * Say that something worked, in the status line: green and polite, never the alert's look. It stays until the
 * next thing is said or the page changes: hiding it on a timer would move the page under the agent's pointer.
 */
export function showSaved(message) {
  showError('');
  const el = document.getElementById('saved');
  el.textContent = message || '';
  el.hidden = !message;
}

/**
 * Ask a question in a modal dialog; resolves with the chosen choice's value, or null when it is dismissed.
 * @param {string} question @param {Array<[string, string]>} choices [value, label], the first the default
 */
export function ask(question, choices) {
  const dialog = document.createElement('dialog');
  dialog.className = 'ask';
  const p = document.createElement('p');
  p.textContent = question;
  const form = document.createElement('form');
  form.method = 'dialog';
  for (const [i, [value, label]] of choices.entries()) {
    const button = document.createElement('button');
    Object.assign(button, { value, textContent: label, className: i === 0 ? 'primary' : '' });
    form.append(button);
  }
  dialog.append(p, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => { resolve(dialog.returnValue || null); dialog.remove(); });
    dialog.showModal();
  });
}
