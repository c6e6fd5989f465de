/**
 * What an agent typed and has not saved, kept in localStorage per ticket (and for the new-ticket form) until it
 * is saved or discarded: leaving the form, switching language or view, posting a comment, a stale save, even
 * closing the tab lose nothing.
 * A draft is {values: {field: text}, base: {field: text as the server had it}, comment: {body, visibility}}.
 */
const key = (id) => `atiende.draft.${id}`;

/** @returns {{values: Object<string, string>, base: Object<string, string>, comment: {body: string, visibility: string}|null}|null} */
export function readDraft(id) {
  try {
    const draft = JSON.parse(localStorage.getItem(key(id)) || 'null');
    return draft && typeof draft.values === 'object' ? draft : null;
  } catch {
    return null; // a draft this version cannot read is not worth an error
  }
}

export function writeDraft(id, draft) {
  const empty = !Object.keys(draft.values).length && !draft.comment?.body;
  if (empty) localStorage.removeItem(key(id));
  else localStorage.setItem(key(id), JSON.stringify(draft));
}

export function dropDraft(id) { localStorage.removeItem(key(id)); }
