/** The knowledge base: a searchable list, and each article read (Markdown, sanitised) and edited in place. */
import { api, ApiError } from '../api.js';
import { clone, report, showError, showSaved, text } from '../dom.js';
import { formatTime, t, translate } from '../i18n.js';
import { renderMarkdown } from '../markdown.js';

/**
 * @param {(node: HTMLElement) => void} mount
 * @param {URLSearchParams} params q
 * @param {(params: URLSearchParams) => void} navigate
 */
export async function renderArticles(mount, params, navigate) {
  const section = clone('articles-template');
  translate(section);
  const form = section.querySelector('#article-filters');
  form.elements.q.value = params.get('q') || '';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = form.elements.q.value.trim();
    navigate(new URLSearchParams(q ? { q } : {}));
  });
  const q = params.get('q');
  const items = q ? (await api.searchArticles(q)).data.items : (await api.listArticles({ limit: '50' })).data.items;
  const list = section.querySelector('.article-results');
  for (const item of items) {
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#/articles/${item.id}`;
    link.textContent = item.title;
    li.append(link, ` · ${t(`kb.state.${item.state}`)} · ${item.language}`);
    list.append(li);
  }
  section.querySelector('.empty').hidden = items.length > 0;
  mount(section);
}

/**
 * @param {(node: HTMLElement) => void} mount
 * @param {string|null} id the article, or null for a new one
 * @param {(hash: string) => void} go
 */
export async function renderArticle(mount, id, go) {
  const section = clone('article-template');
  translate(section);
  const form = section.querySelector('#article-form');
  let article = null;
  let etag = null;
  const show = () => {
    text(section, '.rendered .title', article ? article.title : t('kb.new_title'));
    const meta = article ? t('kb.meta').replace('{state}', t(`kb.state.${article.state}`)).replace('{language}', article.language)
      .replace('{when}', formatTime(article.updated_at || article.created_at)).replace('{who}', article.updated_by || article.created_by) : '';
    text(section, '.meta', meta);
    section.querySelector('.markdown').replaceChildren(renderMarkdown(article ? article.body : ''));
    if (article) for (const name of ['title', 'language', 'state', 'body']) form.elements[name].value = article[name];
  };
  if (id) ({ data: article, etag } = await api.getArticle(id));
  show();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { title: form.elements.title.value, body: form.elements.body.value, language: form.elements.language.value, state: form.elements.state.value };
    try {
      if (!article) {
        const { data } = await api.createArticle(values);
        go(`#/articles/${data.id}`);
        return;
      }
      const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== article[k]));
      if (Object.keys(changes).length) ({ data: article, etag } = await api.updateArticle(article.id, changes, etag));
      show();
      showSaved(t('kb.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) showError(t('form.stale'));
      else report(err);
    }
  });
  mount(section);
}
