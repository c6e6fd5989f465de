/** Suggestions while an agent writes a new ticket: fields voted by similar tickets, one click each, and the
 * open tickets it may duplicate. */
import { api } from '../api.js';
import { text } from '../dom.js';
import { formatPercent, t } from '../i18n.js';

const FIELDS = ['category', 'subcategory', 'assignment_group', 'impact', 'urgency'];

/**
 * @param {HTMLElement} section the form page
 * @param {HTMLFormElement} form
 * @param {() => void} onCategory fills the subcategories once a category is set
 */
export function bindTriage(section, form, onCategory) {
  const panel = section.querySelector('.suggestions');
  let timer = 0;
  let asked = 0;
  const ask = async () => {
    const draft = { short_description: form.elements.short_description.value.trim(), description: form.elements.description.value };
    if (draft.short_description.length < 8) return;
    const mine = ++asked;
    let suggested;
    try {
      suggested = (await api.triage(draft)).data;
    } catch {
      if (mine === asked) { panel.hidden = false; text(panel, '.triage-status', t('triage.unavailable')); }
      return;
    }
    if (mine !== asked) return;  // the agent typed on; a newer answer is coming
    show(panel, form, suggested, onCategory);
  };
  for (const name of ['short_description', 'description']) {
    form.elements[name].addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(ask, 600); });
  }
}

function show(panel, form, suggested, onCategory) {
  panel.hidden = false;
  const list = panel.querySelector('.suggested');
  list.replaceChildren();
  const apply = (field) => {
    form.elements[field].value = String(suggested[field].value);
    if (field === 'category') onCategory();
    form.elements[field].dispatchEvent(new Event('change'));
  };
  const offered = FIELDS.filter((f) => suggested[f].value !== null && suggested[f].value !== undefined);
  for (const field of offered) {
    const li = document.createElement('li');
    const label = ['impact', 'urgency'].includes(field) ? t(`level.${suggested[field].value}`) : String(suggested[field].value);
    li.textContent = `${t(`field.${field}`)}: ${label} (${formatPercent(suggested[field].confidence)}) `;
    const accept = document.createElement('button');
    accept.type = 'button';
    accept.className = `accept accept-${field}`;
    accept.textContent = t('triage.accept');
    accept.addEventListener('click', () => { apply(field); if (field === 'category' && offered.includes('subcategory')) apply('subcategory'); });
    li.append(accept);
    list.append(li);
  }
  if (suggested.summary && suggested.summary !== form.elements.short_description.value.trim()) {
    const li = document.createElement('li');
    li.className = 'summary';
    li.textContent = t('triage.summary') + suggested.summary;
    list.append(li);
  }
  text(panel, '.triage-status', suggested.low_confidence ? t('triage.unsure') : '');
  const all = panel.querySelector('.accept-all');
  all.hidden = offered.length === 0;
  all.onclick = () => offered.forEach(apply);
  const candidates = panel.querySelector('.candidates');
  candidates.replaceChildren(...suggested.duplicate_candidates.map((c) => {
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#/tickets/${c.number}`;
    link.textContent = c.number;
    li.append(link, ` ${c.short_description} (${formatPercent(c.score)})`);
    return li;
  }));
  panel.querySelector('.candidates-title').hidden = suggested.duplicate_candidates.length === 0;
}
