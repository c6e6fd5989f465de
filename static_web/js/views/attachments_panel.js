/** The files a requester sent with their e-mail, each a download through a short-lived link; hidden when none. */
import { api } from '../api.js';
import { t, translate } from '../i18n.js';

export async function renderAttachmentsPanel(section, number) {
  const panel = section.querySelector('.attachments-panel');
  const list = panel.querySelector('.attachment-list');
  list.replaceChildren();
  const { items } = (await api.attachments(number)).data;
  for (const file of items) {
    const li = document.createElement('li');
    const link = document.createElement('a');
    // The API answers with a redirect to Blob Storage, which serves the file as a download.
    link.href = `/api/tickets/${encodeURIComponent(number)}/attachments/${file.id}`;
    link.textContent = file.filename;
    link.setAttribute('download', file.filename);
    const size = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 })
      .format(Math.max(1, file.size_bytes / 1024));
    li.append(link, ` (${file.content_type}, ${size})`);
    list.append(li);
  }
  translate(panel);
  panel.querySelector('h2').textContent = t('files.title');
  panel.hidden = items.length === 0;
}
