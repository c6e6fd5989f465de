/**
 * The requester's side, on a developer's machine only: the SMS and e-mail the desk sent a requester, and forms that
 * write to the desk as them, through devhost's stand-ins for their phone and mail client.
 */
import { devhost } from '../api.js';
import { clone, report } from '../dom.js';
import { t, translate } from '../i18n.js';

const WHO_KEY = 'atiende.requester';
let timer = null;

/** @param {(node: HTMLElement) => void} mount */
export async function renderRequester(mount) {
  const section = clone('requester-template');
  translate(section);
  const who = section.querySelector('.requester-who');
  const saved = JSON.parse(localStorage.getItem(WHO_KEY) || '{}');
  if (saved.phone) who.elements.phone.value = saved.phone;
  if (saved.email) who.elements.email.value = saved.email;
  const refresh = async () => {
    localStorage.setItem(WHO_KEY, JSON.stringify({ phone: who.elements.phone.value, email: who.elements.email.value }));
    const seen = await devhost.requester(who.elements.phone.value.trim(), who.elements.email.value.trim());
    showSms(section, seen.sms);
    showMail(section, seen.mail);
  };
  who.addEventListener('change', () => refresh().catch(report));
  section.querySelector('.sms-send').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      await devhost.requesterSms({ phone: who.elements.phone.value.trim(), text: form.elements.text.value });
      form.reset();
      await refresh();
    } catch (err) { report(err); }
  });
  section.querySelector('.mail-send').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      await devhost.requesterMail({ email: who.elements.email.value.trim(), subject: form.elements.subject.value,
        text: form.elements.text.value, in_reply_to: form.elements.in_reply_to.value });
      form.reset();
    } catch (err) { report(err); }
  });
  await refresh();
  mount(section);
  // New messages arrive as the desk's timers send them: look again every few seconds while the page is shown.
  clearInterval(timer);
  timer = setInterval(() => {
    if (!document.body.contains(section)) { clearInterval(timer); return; }
    refresh().catch(() => {});
  }, 3000);
}

function showSms(section, messages) {
  const list = section.querySelector('.sms-list');
  list.replaceChildren(...(messages.length ? messages : [null]).map((m) => {
    const li = document.createElement('li');
    if (!m) { li.className = 'hint'; li.textContent = t('requester.none'); return li; }
    li.textContent = m.body;
    li.title = `${m.at} · ${m.status}`;
    return li;
  }));
}

function showMail(section, messages) {
  const list = section.querySelector('.mail-list');
  const form = section.querySelector('.mail-send');
  list.replaceChildren(...(messages.length ? messages : [null]).map((m) => {
    const li = document.createElement('li');
    if (!m) { li.className = 'hint'; li.textContent = t('requester.none'); return li; }
    const subject = document.createElement('strong');
    subject.textContent = m.subject;
    const body = document.createElement('pre');
    body.textContent = m.text;
    const reply = document.createElement('button');
    reply.type = 'button';
    reply.textContent = t('requester.reply');
    reply.addEventListener('click', () => {
      form.elements.subject.value = m.subject.startsWith('Re:') ? m.subject : `Re: ${m.subject}`;
      form.elements.in_reply_to.value = m.message_id;
      form.elements.text.focus();
    });
    li.append(subject, body, reply);
    return li;
  }));
}
