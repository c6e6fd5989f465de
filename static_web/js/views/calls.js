/** The calls list, newest first, and on a developer's machine a form that simulates a call. */
import { api, devhost } from '../api.js';
import { clone, report, text } from '../dom.js';
import { callStatus, formatTime, t, translate } from '../i18n.js';

/**
 * @param {(node: HTMLElement) => void} mount
 * @param {URLSearchParams} params needs_review and cursor
 * @param {(params: URLSearchParams) => void} navigate
 */
export async function renderCalls(mount, params, navigate) {
  const section = clone('calls-template');
  translate(section);
  const filters = section.querySelector('#call-filters');
  filters.elements.needs_review.checked = params.get('needs_review') === 'true';
  filters.elements.needs_review.addEventListener('change', () => {
    const next = new URLSearchParams();
    if (filters.elements.needs_review.checked) next.set('needs_review', 'true');
    navigate(next);
  });

  const [local] = await Promise.all([devhost.info().catch(() => null), fillTable(section, params, navigate)]);
  if (local?.simulate_calls) bindSimulation(section.querySelector('#simulate'), () => fillTable(section, params, navigate));
  mount(section);
}

/** Put one page of calls in the table, in place, so that a simulated call's transcript stays on screen. */
async function fillTable(section, params, navigate) {
  const query = new URLSearchParams(params);
  query.set('limit', '25');
  const page = (await api.listCalls(query)).data;
  section.querySelector('tbody').replaceChildren(...page.items.map(row));
  section.querySelector('.empty').hidden = page.items.length > 0;
  const next = section.querySelector('.next');
  next.hidden = !page.next_cursor;
  next.onclick = () => { const p = new URLSearchParams(params); p.set('cursor', page.next_cursor); navigate(p); };
  const first = section.querySelector('.first');
  first.hidden = !params.get('cursor');
  first.onclick = () => { const p = new URLSearchParams(params); p.delete('cursor'); navigate(p); };
}

function row(call) {
  const tr = clone('call-row-template');
  translate(tr);
  text(tr, '.started_at', formatTime(call.started_at));
  text(tr, '.from', call.caller?.name ? `${call.caller.name} (${call.from_phone})` : call.from_phone);
  text(tr, '.locale', call.locale);
  text(tr, '.status', call.intent ? `${callStatus(call.status)}, ${t(`calls.intent.${call.intent}`)}` : callStatus(call.status));
  const link = tr.querySelector('.ticket');
  if (call.ticket) {
    link.textContent = call.ticket;
    link.setAttribute('href', `#/tickets/${call.ticket}`);
  }
  tr.querySelector('.joined').hidden = !call.joined_existing;
  const pipeline = call.pipeline;
  text(tr, '.pipeline', pipeline.status ? `${t(`pipeline.${pipeline.status}`)} · ${t(`step.${pipeline.step}`)}` : t('calls.none'));
  const review = tr.querySelector('.review');
  review.hidden = !pipeline.review_reason;
  review.title = pipeline.review_reason || '';
  return tr;
}

function bindSimulation(form, refresh) {
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const heard = form.querySelector('.heard');
    heard.replaceChildren();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const { sid } = await devhost.simulateCall({
        from: form.elements.from.value.trim(), say: form.elements.say.value, lang: form.elements.lang.value,
        hang_up_early: form.elements.hang_up_early.checked, silent: form.elements.silent.checked,
      });
      let state;
      do {
        await new Promise((resolve) => { setTimeout(resolve, 400); });
        state = await devhost.simulation(sid);
        while (heard.children.length < state.heard.length) {
          const li = document.createElement('li');
          li.textContent = state.heard[heard.children.length];
          heard.append(li);
        }
      } while (!state.done);
      if (state.error) report(new Error(state.error));
      if (state.ticket_heard) {
        const li = document.createElement('li');
        li.className = 'ticket-heard';
        li.textContent = t('simulate.ticket') + state.ticket_heard;
        heard.append(li);
      }
      await refresh();
    } catch (err) {
      report(err);
    } finally {
      button.disabled = false;
    }
  });
}
