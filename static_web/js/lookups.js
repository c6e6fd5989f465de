/**
 * Look-ups on the ticket form instead of free text: Assigned to offers the chosen group's agents, the caller's
 * phone finds a known contact, and Parent offers tickets matching what is typed.
 */
import { api } from './api.js';
import { t } from './i18n.js';

function fill(datalist, options) {
  datalist.replaceChildren(...options.map(([value, label]) => { const o = document.createElement('option'); o.value = value; o.label = label; o.textContent = label; return o; }));
}

/** @param {HTMLFormElement} form @param {Array<{id: number, name: string}>} groups */
export function bindLookups(section, form, groups) {
  const agents = section.querySelector('#group-agents');
  const noAgents = section.querySelector('.no-agents');
  // A ticket goes to one of its group's agents: the list offers them, and a group change lets go of an assignee
  // who is not one of the new group's (the API would refuse them).
  const showAgents = async () => {
    const group = groups.find((g) => g.name === form.elements.assignment_group.value);
    if (!group) { fill(agents, []); if (noAgents) noAgents.hidden = true; return; }
    const { data } = await api.members(group.id);
    fill(agents, data.items.map((m) => [m.user_name, m.display_name]));
    if (noAgents) noAgents.hidden = data.items.length > 0 || form.elements.assignment_group.disabled;
    return data.items;
  };
  form.elements.assignment_group.addEventListener('change', async () => {
    const members = await showAgents();
    const assignee = form.elements.assigned_to.value.trim();
    if (assignee && members && !members.some((m) => m.user_name === assignee)) {
      form.elements.assigned_to.value = '';
      form.elements.assigned_to.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  // Without a group, the directory: agents whose name or e-mail starts with what is typed.
  let asked = 0;
  form.elements.assigned_to.addEventListener('input', async () => {
    const q = form.elements.assigned_to.value.trim();
    if (form.elements.assignment_group.value || q.length < 2) return;
    const mine = ++asked;
    const { data } = await api.agents({ q, limit: '10' });
    if (mine === asked) fill(agents, data.items.map((a) => [a.user_name, a.display_name]));
  });

  const known = section.querySelector('.known-caller');
  form.elements.caller_phone.addEventListener('change', async () => {
    known.hidden = true;
    section.knownContact = null;
    const phone = form.elements.caller_phone.value.trim();
    if (form.elements.caller_phone.readOnly || phone.length < 5) return;
    try {
      const { data } = await api.contacts({ phone });
      const contact = data.items[0];
      if (!contact) { known.textContent = t('lookup.new_caller'); known.hidden = false; return; }
      // Picking a known caller fills their name; another name typed is asked about when the ticket is made.
      section.knownContact = contact;
      if (!form.elements.caller_name.value.trim() && contact.name) form.elements.caller_name.value = contact.name;
      known.textContent = t('lookup.known_caller').replace('{name}', contact.name || contact.phone);
      known.hidden = false;
    } catch { /* a number the API cannot read is reported when the ticket is saved, beside the field */ }
  });

  const parents = section.querySelector('#parent-choices');
  let typed = 0;
  form.elements.parent.addEventListener('input', async () => {
    const q = form.elements.parent.value.trim();
    const mine = ++typed;
    if (q.length < 3 || /^INC[0-9]{7,12}$/.test(q)) return;
    const { data } = await api.listTickets({ q, limit: '8', view: 'open' });
    if (mine === typed) fill(parents, data.items.filter((ticket) => ticket.number !== section.dataset.number).map((ticket) => [ticket.number, `${ticket.number} · ${ticket.short_description}`]));
  });
  return showAgents;
}
