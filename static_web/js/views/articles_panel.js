/** Published articles beside a ticket, and a draft article from a resolved one. */
import { api } from '../api.js';
import { report, text } from '../dom.js';
import { t } from '../i18n.js';

export async function renderArticlesPanel(section, ticket, go) {
  const panel = section.querySelector('.articles-panel');
  const list = panel.querySelector('.article-list');
  list.replaceChildren();
  let items = [];
  try {
    items = (await api.suggestedArticles(ticket.number)).data.items;
  } catch { /* Redis is down: the similar panel already says so */ }
  for (const item of items) {
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#/articles/${item.id}`;
    link.textContent = item.title;
    li.append(link, ` (${Math.round(item.score * 100)}%)`);
    list.append(li);
  }
  if (!items.length) {
    const li = document.createElement('li');
    li.className = 'hint';
    li.textContent = t('kb.none');
    list.append(li);
  }
  const fromTicket = panel.querySelector('.article-from-ticket');
  fromTicket.hidden = !(['resolved', 'closed'].includes(ticket.state) && ticket.close_notes);
  fromTicket.onclick = async () => {
    try {
      const { data } = await api.articleFromTicket(ticket.number);
      go(`#/articles/${data.id}`);
    } catch (err) { report(err); }
  };
  text(panel, 'h2', t('kb.suggested'));
  panel.hidden = false;
}
