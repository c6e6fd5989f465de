/** The tickets most like this one, beside its form: open ones can be its original, resolved ones show how. */
import { api } from '../api.js';
import { ask, clone, report, text } from '../dom.js';
import { fill, formatPercent, t, translate } from '../i18n.js';
import { later } from '../undo.js';

/**
 * @param {HTMLElement} section the form page
 * @param {object} ticket the ticket on screen
 * @param {() => Promise<void>} reload after marking it a duplicate
 */
export async function renderSimilarPanel(section, ticket, reload) {
  const panel = section.querySelector('.similar-panel');
  const list = panel.querySelector('.similar-list');
  panel.hidden = false;
  list.replaceChildren();
  let items;
  try {
    items = (await api.similar(ticket.number)).data.items;
  } catch {
    text(panel, '.similar-status', t('similar.unavailable'));  // Redis is down: the rest of the page works
    return;
  }
  text(panel, '.similar-status', items.length ? '' : t('similar.none'));
  const canBeDuplicate = ['new', 'in_progress', 'on_hold'].includes(ticket.state);
  for (const item of items) {
    const li = clone('similar-template');
    translate(li);
    const link = li.querySelector('.number');
    link.textContent = item.number;
    link.setAttribute('href', `#/tickets/${item.number}`);
    text(li, '.state', t(`state.${item.state}`));
    text(li, '.score', `${formatPercent(item.score)} ${t('similar.match')}`);
    text(li, '.short', item.short_description);
    if (!item.open && item.close_notes) {
      const resolution = li.querySelector('.resolution');
      resolution.textContent = t('similar.resolution') + item.close_notes;
      resolution.hidden = false;
    }
    const mark = li.querySelector('.mark-duplicate');
    mark.hidden = !(item.open && canBeDuplicate);
    // Cancelling a ticket as a duplicate tells its caller: asked first when there is one, then a few seconds
    // with Undo before anything is sent.
    mark.addEventListener('click', async () => {
      const words = { number: ticket.number, of: item.number };
      if (ticket.caller && (await ask(fill(t('confirm.duplicate'), words), [['yes', t('similar.mark_duplicate')], ['', t('contact.cancel')]])) !== 'yes') return;
      await later(fill(t('undo.duplicate'), words), async () => {
        try {
          await api.markDuplicate(ticket.number, item.number);
          await reload();
        } catch (err) { report(err); }
      });
    });
    list.append(li);
  }
}
