/** The calls behind a ticket, beside its form: player, both transcripts, the SMS and the pipeline's steps. */
import { api } from '../api.js';
import { clone, text } from '../dom.js';
import { callStatus, formatPercent, formatTime, t, translate } from '../i18n.js';

const STEPS = ['started', 'analyze', 'find_duplicate', 'create_or_join', 'notify', 'wait_recording', 'store_recording', 'transcribe', 'improve_ticket', 'done'];

/** Fill the form's calls panel for ticket `number`; it stays hidden when no call made or joined the ticket. */
export async function renderCallPanel(section, number) {
  const panel = section.querySelector('.calls-panel');
  const { data } = await api.listCalls({ ticket: number, limit: '20' });
  const list = panel.querySelector('.call-list');
  list.replaceChildren(...data.items.map(card));
  panel.hidden = data.items.length === 0;
}

function card(call) {
  const article = clone('call-panel-template');
  translate(article);
  text(article, '.from', call.caller?.name ? `${call.caller.name} (${call.from_phone})` : call.from_phone);
  const time = article.querySelector('time');
  time.textContent = formatTime(call.started_at);
  time.setAttribute('datetime', call.started_at);
  text(article, '.locale', call.locale);
  text(article, '.status', callStatus(call.status));
  article.querySelector('.joined').hidden = !call.joined_existing;
  const review = article.querySelector('.review');
  review.hidden = !call.pipeline.review_reason;
  review.textContent = t('calls.review_reason') + (call.pipeline.review_reason || '');
  if (call.recording_url) {
    const audio = article.querySelector('audio');
    audio.src = call.recording_url;
    audio.hidden = false;
  }
  text(article, '.speech', call.speech ? withConfidence(call.speech.text, call.speech.confidence, 'Twilio') : t('calls.none'));
  text(article, '.transcript', call.transcript ? withConfidence(call.transcript.text, call.transcript.confidence, call.transcript.provider) : t('calls.none'));
  text(article, '.sms', call.sms ? `${call.sms.body} (${t(`sms.${call.sms.status}`)})` : t('calls.none'));
  const steps = article.querySelector('.steps');
  // The last step the pipeline finished; a call with no live speech takes the recording steps first.
  const reached = STEPS.indexOf(call.pipeline.step);
  for (const [i, step] of STEPS.entries()) {
    const li = document.createElement('li');
    li.textContent = t(`step.${step}`);
    li.className = i <= reached ? 'done' : 'pending';
    if (i === reached + 1 && call.pipeline.status === 'running') li.className = 'current';
    steps.append(li);
  }
  if (call.pipeline.step === 'review') {
    const li = document.createElement('li');
    li.textContent = t('step.review');
    li.className = 'current review';
    steps.append(li);
  }
  return article;
}

function withConfidence(words, confidence, source) {
  const sure = confidence == null ? '' : `, ${t('calls.confidence')} ${formatPercent(confidence)}`;
  return `“${words}” (${source}${sure})`;
}
