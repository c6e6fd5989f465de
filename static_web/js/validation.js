/** Problems from the API shown beside the fields they concern, in the agent's language. */
import { ApiError } from './api.js';
import { showError } from './dom.js';
import { t } from './i18n.js';

// Pointers name body fields; a few live under another name in the form.
const FIELD_FOR = { '/caller': 'caller_name', '/caller/name': 'caller_name', '/caller/phone': 'caller_phone', '/caller/email': 'caller_name' };

/** What an API field error's code means, in the agent's language. */
export function errorText(code) {
  const known = t(`error.${code}`);
  return known === `error.${code}` ? t('error.invalid') : known;
}

/** Remove every message a previous attempt left beside the fields. */
export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); });
}

/**
 * Put each invalid field's message beside it and a summary in the alert line, then take the agent to the first.
 * @returns {boolean} whether the error named fields of this form (otherwise the caller reports it as usual)
 */
export function showFieldErrors(form, err) {
  clearFieldErrors(form);
  if (!(err instanceof ApiError) || !err.problem?.errors?.length) return false;
  const shown = [];
  for (const problem of err.problem.errors) {
    const name = FIELD_FOR[problem.pointer] || (problem.pointer || '').split('/')[1];
    const control = name && form.elements.namedItem(name);
    if (!control || !(control instanceof HTMLElement)) continue;
    const message = document.createElement('small');
    message.className = 'field-error';
    message.id = `error-${name}`;
    message.textContent = errorText(problem.code);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', message.id);
    (control.closest('label') || control.parentElement).append(message);
    // The field's own label, as the agent reads it on the page.
    const label = control.closest('label')?.querySelector('span')?.textContent || control.getAttribute('aria-label') || t(`field.${name}`);
    shown.push({ control, label });
  }
  if (!shown.length) return false;
  showError(`${t('error.summary')} ${shown.map((s) => s.label).join(', ')}`);
  shown[0].control.scrollIntoView({ block: 'center' });
  shown[0].control.focus();
  return true;
}
