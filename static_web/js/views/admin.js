/** Admin pages: groups and their agents, categories, SLA targets and API keys. The API refuses agents too. */
import { api } from '../api.js';
import { clone, report, showError, showSaved, text } from '../dom.js';
import { dataTable } from '../charts.js';
import { currentLanguage, formatNumber, formatTime, plural, t, translate } from '../i18n.js';
import { showFieldErrors } from '../validation.js';

/**
 * @param {(node: HTMLElement) => void} mount
 * @param {{userRoles?: string[]}|null} user
 */
export async function renderAdmin(mount, user) {
  if (!user?.userRoles?.includes('admin')) {
    const refused = document.createElement('p');
    refused.className = 'refused';
    refused.textContent = t('admin.only');
    mount(refused);
    return;
  }
  const section = clone('admin-template');
  translate(section);
  const [groups, categories, targets, keys, quality, canned] = await Promise.all([api.groups(), api.categories(), api.slaTargets(),
    api.apiKeys(), api.triageQuality(), api.cannedReplies({})]);
  renderCanned(section, canned.data.items, groups.data.items);
  renderTriageQuality(section, quality.data);
  await renderGroups(section, groups.data.items);
  renderCategories(section, categories.data.items);
  renderTargets(section, targets.data.items);
  renderKeys(section, keys.data.items);
  bindForms(section, mount, user);
  // In-page contents: the hash is the route, so the links scroll rather than navigate.
  section.querySelector('.toc').addEventListener('click', (event) => {
    const link = event.target.closest('a[data-jump]');
    if (!link) return;
    event.preventDefault();
    section.querySelector(`#${link.dataset.jump}`).scrollIntoView();
  });
  mount(section);
}

/** Each form posts, then the page is drawn again from the API; invalid fields are shown beside themselves. */
function bindForms(section, mount, user) {
  // The page is drawn again from the API after a save: until then the old one takes no input, which would be lost.
  const again = async (message) => { section.inert = true; await renderAdmin(mount, user); showSaved(message); };
  const submit = (selector, action) => section.querySelectorAll(selector).forEach((form) => form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    try {
      const message = await action(form);
      if (message !== undefined) await again(message);
    } catch (err) {
      if (!showFieldErrors(form, err)) report(err);
    }
  }));
  submit('.new-canned', async (form) => {
    const reply = { title: form.elements.title.value, body: form.elements.body.value, language: form.elements.language.value };
    if (form.elements.assignment_group.value) reply.assignment_group = form.elements.assignment_group.value;
    await api.createCanned(reply);
    return t('admin.saved');
  });
  submit('.new-group', async (form) => { await api.createGroup({ name: form.elements.name.value }); return t('admin.saved'); });
  submit('.add-member', async (form) => {
    await api.putMember(form.dataset.group, { user_name: form.elements.user_name.value, display_name: form.elements.display_name.value });
    return t('admin.saved');
  });
  submit('.new-category', async (form) => {
    await api.createCategory({ name: form.elements.name.value, subcategories: list(form.elements.subcategories.value) });
    return t('admin.saved');
  });
  submit('.edit-category', async (form) => {
    await api.setSubcategories(form.dataset.category, { subcategories: list(form.elements.subcategories.value) });
    return t('admin.saved');
  });
  submit('.sla-row', async (form) => {
    await api.setSlaTarget(form.dataset.priority, { response_minutes: Number(form.elements.response_minutes.value), resolution_minutes: Number(form.elements.resolution_minutes.value) });
    return t('admin.saved');
  });
  submit('.new-key', async (form) => {
    const scopes = [...form.querySelectorAll('input[name=scopes]:checked')].map((box) => box.value);
    const { data } = await api.createApiKey({ name: form.elements.name.value, scopes });
    await renderAdmin(mount, user);
    // The secret exists only in this answer: show it once, in the page that was just drawn.
    const shown = document.querySelector('.admin .new-secret');
    shown.hidden = false;
    text(shown, 'code', data.key);
    shown.scrollIntoView({ block: 'center' });
    return undefined;
  });
  bindErase(section);
  section.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    try {
      if (button.dataset.action === 'remove-member') await api.removeMember(button.dataset.group, button.dataset.user);
      if (button.dataset.action === 'revoke-key') await api.revokeApiKey(button.dataset.key);
      if (button.dataset.action === 'delete-canned') await api.deleteCanned(button.dataset.reply);
      await again(t('admin.saved'));
    } catch (err) { report(err); }
  });
}

function list(raw) { return raw.split(',').map((s) => s.trim()).filter(Boolean); }

async function renderGroups(section, groups) {
  const holder = section.querySelector('.groups');
  const members = await Promise.all(groups.map((g) => api.members(g.id)));
  groups.forEach((group, i) => {
    const item = clone('admin-group-template');
    text(item, '.group-name', group.name);
    text(item, '.member-count', plural('admin.members', members[i].data.items.length));
    const people = item.querySelector('.members');
    for (const member of members[i].data.items) {
      const li = document.createElement('li');
      const remove = document.createElement('button');
      Object.assign(remove, { type: 'button', textContent: t('admin.remove') });
      Object.assign(remove.dataset, { action: 'remove-member', group: String(group.id), user: member.user_name });
      remove.setAttribute('aria-label', `${t('admin.remove')} ${member.display_name}`);
      li.append(`${member.display_name} (${member.user_name}) `, remove);
      people.append(li);
    }
    item.querySelector('.add-member').dataset.group = String(group.id);
    translate(item);
    holder.append(item);
  });
}

function renderCategories(section, categories) {
  const holder = section.querySelector('.categories');
  for (const category of categories) {
    const form = clone('admin-category-template');
    form.dataset.category = String(category.id);
    translate(form);
    text(form, '.category-name', category.name);
    form.elements.subcategories.value = category.subcategories.join(', ');
    form.elements.subcategories.setAttribute('aria-label', `${t('field.subcategory')}: ${category.name}`);
    holder.append(form);
  }
}

function renderTargets(section, targets) {
  const body = section.querySelector('.sla-targets tbody');
  for (const target of targets) {
    const tr = clone('admin-sla-template');
    const form = tr.querySelector('form');
    form.id = `sla-${target.priority}`;
    form.dataset.priority = String(target.priority);
    text(tr, '.priority-name', t(`priority.${target.priority}`));
    for (const name of ['response_minutes', 'resolution_minutes']) {
      const input = tr.querySelector(`input[name=${name}]`);
      input.value = String(target[name]);
      input.setAttribute('form', form.id);
      input.setAttribute('aria-label', `${t(`admin.${name}`)}: ${t(`priority.${target.priority}`)}`);
    }
    tr.querySelector('button').setAttribute('form', form.id);
    translate(tr);
    body.append(tr);
  }
}

function renderKeys(section, keys) {
  const body = section.querySelector('.api-keys tbody');
  for (const key of keys) {
    const tr = document.createElement('tr');
    for (const value of [key.name, key.prefix, key.scopes.join(', '), formatTime(key.created_at), key.revoked_at ? formatTime(key.revoked_at) : '—']) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    const td = document.createElement('td');
    if (!key.revoked_at) {
      const revoke = document.createElement('button');
      Object.assign(revoke, { type: 'button', textContent: t('admin.revoke') });
      Object.assign(revoke.dataset, { action: 'revoke-key', key: String(key.id) });
      revoke.setAttribute('aria-label', `${t('admin.revoke')} ${key.name}`);
      td.append(revoke);
    }
    tr.append(td);
    body.append(tr);
  }
}

/** Find a caller by phone, then erase them once the admin has ticked that they understand. */
function bindErase(section) {
  const find = section.querySelector('.find-caller');
  const found = section.querySelector('.found-caller');
  const confirm = found.querySelector('.confirm-erase');
  const erase = found.querySelector('.erase-caller');
  let contact = null;
  confirm.addEventListener('change', () => { erase.disabled = !confirm.checked || !contact; });
  find.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    try {
      const { data } = await api.contacts({ phone: find.elements.phone.value.trim() });
      contact = data.items[0] || null;
      found.hidden = false;
      confirm.checked = false;
      erase.disabled = true;
      confirm.parentElement.hidden = !contact;
      erase.hidden = !contact;
      text(found, '.who', contact ? t('admin.caller_found').replace('{name}', contact.name || '—')
        .replace('{phone}', contact.phone || '—').replace('{id}', String(contact.id)) : t('admin.no_caller'));
    } catch (err) {
      if (!showFieldErrors(find, err)) report(err);
    }
  });
  erase.addEventListener('click', async () => {
    try {
      const { data } = await api.eraseCaller(contact.id);
      contact = null;
      erase.disabled = true;
      text(found, '.who', t('admin.erased').replace('{calls}', String(data.calls)).replace('{tickets}', String(data.tickets))
        .replace('{recordings}', String(data.recordings_deleted)));
      confirm.parentElement.hidden = true;
      erase.hidden = true;
    } catch (err) { report(err); }
  });
}

/** What the last training measured on the desk's own held-out tickets: per field, the nearest tickets' vote, the
 * classifier, the blend that ships, and from what confidence it fills the field alone (and how often). */
function renderTriageQuality(section, quality) {
  const about = section.querySelector('.triage-about');
  if (!quality.trained) { about.textContent = t('triage.untrained'); return; }
  about.textContent = t('triage.about').replace('{tickets}', formatNumber(quality.tickets))
    .replace('{held}', formatNumber(quality.held_out)).replace('{when}', formatTime(quality.trained_at));
  const pct = (value) => (value === null || value === undefined ? '—'
    : new Intl.NumberFormat(currentLanguage() === 'es' ? 'es-ES' : 'en-US', { style: 'percent', maximumFractionDigits: 1 }).format(value));
  const rows = Object.entries(quality.fields).map(([name, f]) => [t(`field.${name}`), formatNumber(f.labelled), pct(f.vote),
    pct(f.classifier), pct(f.shipped), f.threshold === null || f.threshold > 1 ? t('triage.never') : pct(f.threshold), pct(f.coverage), pct(f.precision)]);
  section.querySelector('.triage-table').append(dataTable(t('admin.triage'), ['triage.field', 'triage.labelled', 'triage.vote',
    'triage.classifier', 'triage.shipped', 'triage.threshold', 'triage.coverage', 'triage.precision'].map(t), rows));
  // Search, per language: tickets of the same subcategory found by the vectors alone, by words and vectors
  // weighed evenly, and by the weight the desk's own tickets chose.
  const weight = new Intl.NumberFormat(currentLanguage() === 'es' ? 'es-ES' : 'en-US', { maximumFractionDigits: 2 });
  const searchRows = Object.entries(quality.search || {}).map(([language, s]) => [t(`language.${language}`),
    formatNumber(s.queries), pct(s.vectors_recall5), pct(s.even_recall5), pct(s.shipped_recall5), pct(s.vectors_mrr),
    pct(s.shipped_mrr), weight.format(s.text_weight)]);
  if (searchRows.length) {
    section.querySelector('.search-table').append(dataTable(t('triage.search'), ['triage.language', 'triage.labelled',
      'triage.recall_vectors', 'triage.recall_even', 'triage.recall_shipped', 'triage.mrr_vectors', 'triage.mrr_shipped',
      'triage.text_weight'].map(t), searchRows));
  }
}

/** Each canned reply with its language and group, and a way to delete it; the form below adds one. */
function renderCanned(section, replies, groups) {
  const list = section.querySelector('.canned-list');
  list.replaceChildren(...(replies.length ? replies.map((reply) => {
    const li = document.createElement('li');
    const title = document.createElement('strong');
    title.textContent = reply.title;
    const about = document.createElement('span');
    about.textContent = ` · ${t(`language.${reply.language}`)} · ${reply.assignment_group || t('canned.desk')} — ${reply.body}`;
    const remove = document.createElement('button');
    Object.assign(remove, { type: 'button', textContent: t('canned.delete') });
    remove.dataset.action = 'delete-canned';
    remove.dataset.reply = String(reply.id);
    remove.setAttribute('aria-label', `${t('canned.delete')}: ${reply.title}`);
    li.append(title, about, ' ', remove);
    return li;
  }) : [Object.assign(document.createElement('li'), { textContent: t('canned.none') })]));
  const form = section.querySelector('.new-canned');
  for (const group of groups) form.elements.assignment_group.add(new Option(group.name, group.name));
  form.elements.language.value = currentLanguage();
}
