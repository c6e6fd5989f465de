/**
 * The list's filters as breadcrumbs that can be removed one by one, and personal saved filters (kept in this
 * browser's localStorage: the list's whole state is its URL, so a saved filter is a name and a query).
 */
import { t } from '../i18n.js';

const SAVED = 'atiende.saved-filters';
const FILTERS = ['view', 'q', 'state', 'priority', 'assignment_group', 'assigned_to', 'category', 'caller_phone', 'parent'];

function shown(name, value) {
  if (name === 'view') return t(`view.${value}`);
  if (name === 'state') return t(`state.${value}`);
  if (name === 'priority') return t(`priority.${value}`);
  return value;
}

/** A small × button that says in words what it removes. */
function removeButton(label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'remove';
  button.textContent = '×';
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

function readSaved() {
  try { return JSON.parse(localStorage.getItem(SAVED) || '[]').filter((f) => typeof f?.name === 'string' && typeof f?.query === 'string'); } catch { return []; }
}

/** @param {URLSearchParams} params @param {(params: URLSearchParams) => void} navigate */
export function bindCrumbs(section, params, navigate) {
  const crumbs = section.querySelector('.breadcrumbs');
  const first = document.createElement('li');
  const all = document.createElement('a');
  all.href = '#/tickets?view=all';
  all.textContent = t('crumbs.all');
  first.append(all);
  crumbs.append(first);
  for (const name of FILTERS) {
    const value = params.get(name);
    if (!value || (name === 'view' && value === 'all')) continue;
    const li = document.createElement('li');
    const what = `${t(name === 'view' ? 'crumbs.view' : `field.${name}`)}: ${shown(name, value)}`;
    const remove = removeButton(t('crumbs.remove').replace('{what}', what), () => {
      const next = new URLSearchParams(params);
      next.delete(name);
      next.delete('cursor');
      next.delete('back');
      if (name === 'view') next.set('view', 'all');
      navigate(next);
    });
    li.append(what, ' ', remove);
    crumbs.append(li);
  }

  const savedNav = section.querySelector('.saved-filters');
  const list = savedNav.querySelector('ul');
  const draw = () => {
    const saved = readSaved();
    savedNav.hidden = saved.length === 0;
    list.replaceChildren(...saved.map((filter) => {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.href = `#/tickets?${filter.query}`;
      link.textContent = filter.name;
      const remove = removeButton(t('crumbs.delete').replace('{name}', filter.name), () => {
        localStorage.setItem(SAVED, JSON.stringify(readSaved().filter((f) => f.name !== filter.name)));
        draw();
      });
      li.append(link, ' ', remove);
      return li;
    }));
  };
  section.querySelector('.save-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = event.target.elements.name.value.trim();
    if (!name) return;
    const query = new URLSearchParams(params);
    query.delete('cursor');
    query.delete('back');
    localStorage.setItem(SAVED, JSON.stringify([...readSaved().filter((f) => f.name !== name), { name, query: query.toString() }]));
    event.target.reset();
    draw();
  });
  draw();
}
