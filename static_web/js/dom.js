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
