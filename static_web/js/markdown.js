/** Markdown to safe DOM: marked renders (raw HTML in the Markdown is shown as text, never as markup), then
 * DOMPurify removes anything that could still run, such as a javascript: link. Both are copied in as files,
 * with their licences, under vendor/. */
import { Marked } from './vendor/marked.esm.js';
import DOMPurify from './vendor/purify.es.js';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (raw) => raw.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

// Raw HTML becomes text here, before any parser sees it: even an inert parse of `<img onerror>` makes Chromium
// report a Content-Security-Policy violation.
const markdown = new Marked({ gfm: true, async: false, renderer: { html: ({ text }) => escape(text) } });

/** @param {string} source Markdown written by an agent @returns {DocumentFragment} */
export function renderMarkdown(source) {
  return DOMPurify.sanitize(markdown.parse(source || ''), { RETURN_DOM_FRAGMENT: true, FORBID_TAGS: ['style', 'form', 'input'],
    FORBID_ATTR: ['style'] });
}
