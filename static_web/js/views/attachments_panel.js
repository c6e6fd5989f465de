/**
 * The ticket's files: those a requester sent by e-mail and those agents uploaded, each a download through a
 * short-lived link, images previewed. Agents add files here (to the ticket) or with a comment.
 */
import { api, uploadFile } from '../api.js';
import { report } from '../dom.js';
import { formatTime, t, translate } from '../i18n.js';

/** A file's size as the agent's language writes it. */
export function fileSize(bytes) {
  return new Intl.NumberFormat(document.documentElement.lang === 'es' ? 'es-ES' : 'en-US', { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 })
    .format(Math.max(1, bytes / 1024));
}

/** One file as a list item: its download link, and for an image its preview, served from our own origin. */
export function fileItem(number, file) {
  const li = document.createElement('li');
  const href = `/api/tickets/${encodeURIComponent(number)}/attachments/${file.id}`;
  if (file.preview) {
    const image = document.createElement('img');
    Object.assign(image, { src: `${href}?inline=1`, alt: file.filename, loading: 'lazy', className: 'preview' });
    li.append(image);
  }
  const link = document.createElement('a');
  link.href = href;
  link.textContent = file.filename;
  link.setAttribute('download', file.filename);
  li.append(link, ` (${fileSize(file.size_bytes)})`);
  return li;
}

export async function renderAttachmentsPanel(section, number, final = false) {
  const panel = section.querySelector('.attachments-panel');
  const list = panel.querySelector('.attachment-list');
  list.replaceChildren();
  const { items } = (await api.attachments(number)).data;
  for (const file of items) {
    const li = fileItem(number, file);
    const who = document.createElement('span');
    who.className = 'hint';
    who.textContent = ` · ${file.uploaded_by || t('files.requester')} · ${formatTime(file.created_at)}`;
    li.append(who);
    list.append(li);
  }
  translate(panel);
  panel.querySelector('.no-files').hidden = items.length > 0;
  const add = panel.querySelector('.add-files');
  add.hidden = final;
  if (!add.dataset.bound) {
    add.dataset.bound = 'yes';
    add.addEventListener('change', async () => {
      try {
        for (const file of add.files) await uploadFile(number, file);
        add.value = '';
        await renderAttachmentsPanel(section, number, final);
      } catch (err) { report(err); }
    });
  }
  panel.hidden = false;
}
