/** Wires the agent app together: language, user, and a hash router between list and form. */
import { devhost, me } from './api.js';
import { report, showError } from './dom.js';
import { currentLanguage, setLanguage, translate } from './i18n.js';
import { onDeskChange, startPolling } from './live.js';
import { renderAdmin } from './views/admin.js';
import { renderForm } from './views/form.js';
import { renderArticle, renderArticles } from './views/articles.js';
import { renderCalls } from './views/calls.js';
import { renderDashboard } from './views/dashboard.js';
import { renderList } from './views/list.js';
import { renderRequester } from './views/requester.js';

const main = document.getElementById('main');
let latest = 0;
let user = null;

async function route() {
  // Views render asynchronously: only the newest navigation may put its page on screen.
  const token = ++latest;
  const mount = (node) => { if (token === latest) main.replaceChildren(node); };
  showError('');
  onDeskChange(null); // the page that draws itself next listens, if it wants to
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  document.getElementById('nav-calls').classList.toggle('active', path === '/calls');
  document.getElementById('nav-requester').classList.toggle('active', path === '/requester');
  document.getElementById('nav-admin').classList.toggle('active', path === '/admin');
  document.getElementById('nav-dashboard').classList.toggle('active', path === '/dashboard' || path === '' || path === '/');
  document.getElementById('nav-articles').classList.toggle('active', path.startsWith('/articles'));
  document.querySelectorAll('#views a').forEach((a) => {
    const here = path === '/tickets' && a.dataset.view === (params.get('view') || 'all');
    a.classList.toggle('active', here);
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  try {
    const match = path.match(/^\/tickets\/(INC[0-9]{7,12})$/);
    if (match) await renderForm(mount, match[1], (hash) => { location.hash = hash; });
    else if (path === '/new') await renderForm(mount, null, (hash) => { location.hash = hash; });
    else if (path === '/articles') await renderArticles(mount, params, (next) => { location.hash = `#/articles?${next}`; });
    else if (path === '/articles/new') await renderArticle(mount, null, (hash) => { location.hash = hash; });
    else if (/^\/articles\/[0-9]+$/.test(path)) await renderArticle(mount, path.split('/')[2], (hash) => { location.hash = hash; });
    else if (path === '/admin') await renderAdmin(mount, user);
    else if (path === '/requester') await renderRequester(mount);
    else if (path === '/calls') await renderCalls(mount, params, (next) => { location.hash = `#/calls?${next}`; });
    else if (path === '/tickets') await renderList(mount, params, (next) => go(`#/tickets?${next}`));
    else await renderDashboard(mount);
  } catch (err) {
    report(err);
  }
}

/** Go to `hash`, drawing the page again when it is the one on screen (a refresh after a change). */
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// Shortcuts an agent learns once: ? for their help, n for a new ticket, / to search, g then l or d to go.
function bindShortcuts() {
  const help = /** @type {HTMLDialogElement} */ (document.getElementById('help'));
  document.getElementById('help-open').addEventListener('click', () => help.showModal());
  let leader = false;
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest('input, select, textarea, [contenteditable]');
    if (typing || event.ctrlKey || event.metaKey || event.altKey || help.open || document.querySelector('dialog[open]')) return;
    if (leader) {
      leader = false;
      if (event.key === 'l') go('#/tickets?view=all');
      else if (event.key === 'd') go('#/dashboard');
      return;
    }
    if (event.key === '?') { event.preventDefault(); help.showModal(); }
    else if (event.key === 'n') go('#/new');
    else if (event.key === 'g') leader = true;
    else if (event.key === '/') {
      const search = document.querySelector('#filters input[name=q]');
      if (search) { event.preventDefault(); search.focus(); } else { event.preventDefault(); go('#/tickets?view=all'); }
    }
  });
}

async function start() {
  const language = document.getElementById('language');
  setLanguage(currentLanguage());
  language.value = currentLanguage();
  language.addEventListener('change', () => { setLanguage(language.value); translate(document.body); route(); });
  translate(document.body);
  user = await me();
  document.getElementById('user').textContent = user ? user.userDetails : '';
  // Only admins see the way in; the API refuses everyone else whatever the page shows.
  document.getElementById('nav-admin').hidden = !user?.userRoles?.includes('admin');
  // devhost with its stand-ins for the requester's phone and mailbox (serve --local-sms): never in Azure.
  devhost.info().then((local) => { document.getElementById('nav-requester').hidden = !local?.requester_side; }).catch(() => {});
  window.addEventListener('hashchange', route);
  bindShortcuts();
  startPolling();
  await route();
}

start();
