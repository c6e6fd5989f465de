/** Every call to the Atiende API goes through `request`, which throws ApiError on a problem response. */

export class ApiError extends Error {
  /** @param {number} status @param {{detail?: string, errors?: Array<{detail: string, pointer?: string}>}|null} problem */
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let keepingAlive = false;
/** From now on requests outlive the page (fetch keepalive), for what is sent while it closes. */
export function keepAlive(on) { keepingAlive = on; }

/** @returns {Promise<{data: any, etag: string|null}>} */
export async function request(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin', keepalive: keepingAlive };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/api${path}`, init);
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get('etag') };
}

const enc = encodeURIComponent;

export const api = {
  listTickets: (params) => request('GET', `/tickets?${new URLSearchParams(params)}`),
  getTicket: (number) => request('GET', `/tickets/${enc(number)}`),
  createTicket: (ticket, idempotencyKey) => request('POST', '/tickets', { body: ticket, headers: { 'Idempotency-Key': idempotencyKey } }),
  updateTicket: (number, changes, etag) => request('PATCH', `/tickets/${enc(number)}`, { body: changes, headers: { 'If-Match': etag } }),
  addComment: (number, comment) => request('POST', `/tickets/${enc(number)}/comments`, { body: comment }),
  activity: (number) => request('GET', `/tickets/${enc(number)}/activity`),
  triage: (draft) => request('POST', '/triage', { body: draft }),
  listArticles: (params) => request('GET', `/articles?${new URLSearchParams(params)}`),
  searchArticles: (q) => request('GET', `/articles/search?${new URLSearchParams({ q })}`),
  getArticle: (id) => request('GET', `/articles/${enc(id)}`),
  createArticle: (article) => request('POST', '/articles', { body: article }),
  updateArticle: (id, changes, etag) => request('PATCH', `/articles/${enc(id)}`, { body: changes, headers: { 'If-Match': etag } }),
  articleFromTicket: (number) => request('POST', `/tickets/${enc(number)}/article`),
  suggestedArticles: (number) => request('GET', `/tickets/${enc(number)}/articles?k=3`),
  similar: (number) => request('GET', `/tickets/${enc(number)}/similar?k=5`),
  markDuplicate: (number, of) => request('POST', `/tickets/${enc(number)}/mark-duplicate`, { body: { of } }),
  search: (q) => request('GET', `/search?${new URLSearchParams({ q })}`),
  listCalls: (params) => request('GET', `/calls?${new URLSearchParams(params)}`),
  getCall: (sid) => request('GET', `/calls/${enc(sid)}`),
  triageQuality: () => request('GET', '/triage/quality'),
  dashboard: (tz) => request('GET', `/dashboard?${new URLSearchParams({ tz })}`),
  satisfaction: () => request('GET', '/dashboard/satisfaction'),
  attachments: (number) => request('GET', `/tickets/${enc(number)}/attachments`),
  groups: () => request('GET', '/groups'),
  contacts: (params) => request('GET', `/contacts?${new URLSearchParams(params)}`),
  createGroup: (group) => request('POST', '/groups', { body: group }),
  members: (groupId) => request('GET', `/groups/${enc(groupId)}/members`),
  putMember: (groupId, member) => request('POST', `/groups/${enc(groupId)}/members`, { body: member }),
  removeMember: (groupId, user) => request('DELETE', `/groups/${enc(groupId)}/members/${enc(user)}`),
  createCategory: (category) => request('POST', '/categories', { body: category }),
  setSubcategories: (id, body) => request('PUT', `/categories/${enc(id)}`, { body }),
  slaTargets: () => request('GET', '/sla-targets'),
  setSlaTarget: (priority, body) => request('PUT', `/sla-targets/${enc(priority)}`, { body }),
  apiKeys: () => request('GET', '/api-keys'),
  createApiKey: (key) => request('POST', '/api-keys', { body: key }),
  revokeApiKey: (id) => request('DELETE', `/api-keys/${enc(id)}`),
  eraseCaller: (id) => request('POST', `/contacts/${enc(id)}/erase`),
  categories: () => request('GET', '/categories'),
  agents: (params) => request('GET', `/agents?${new URLSearchParams(params)}`),
  startUpload: (number, file) => request('POST', `/tickets/${enc(number)}/uploads`, { body: file }),
  completeUpload: (number, id, body) => request('POST', `/tickets/${enc(number)}/uploads/${enc(id)}/complete`, { body }),
  cannedReplies: (params) => request('GET', `/canned-replies?${new URLSearchParams(params)}`),
  renderCanned: (number, id) => request('GET', `/tickets/${enc(number)}/canned-replies/${enc(id)}/render`),
  createCanned: (reply) => request('POST', '/canned-replies', { body: reply }),
  deleteCanned: (id) => request('DELETE', `/canned-replies/${enc(id)}`),
  changeContact: (id, changes) => request('PATCH', `/contacts/${enc(id)}`, { body: changes }),
};

/** The desk's changes since `after`, or null when nothing changed since the answer tagged `tag` (304). */
export async function changesSince(after, tag) {
  const response = await fetch(`/api/changes${after == null ? '' : `?after=${after}`}`, {
    credentials: 'same-origin', headers: tag ? { 'If-None-Match': tag, Accept: 'application/json' } : { Accept: 'application/json' },
  });
  if (response.status === 304) return null;
  if (!response.ok) throw new ApiError(response.status, null);
  return { ...(await response.json()), etag: response.headers.get('etag') };
}

/** The signed-in user, from Static Web Apps. */
export async function me() {
  const response = await fetch('/.auth/me', { credentials: 'same-origin', cache: 'no-store' });
  return (await response.json()).clientPrincipal;
}

async function postLocal(path, body) {
  const response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** devhost's own routes on a developer's machine; null where they do not exist (in Azure). */
export const devhost = {
  async info() {
    const response = await fetch('/.devhost/', { credentials: 'same-origin' });
    return response.ok && (response.headers.get('content-type') || '').includes('json') ? response.json() : null;
  },
  async simulateCall(body) {
    const response = await fetch('/.devhost/calls', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = await response.json();
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  },
  async requester(phone, email) {
    const response = await fetch(`/.devhost/requester?${new URLSearchParams({ phone, email })}`, { credentials: 'same-origin' });
    const data = await response.json();
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  },
  async requesterSms(body) { return postLocal('/.devhost/requester/sms', body); },
  async requesterMail(body) { return postLocal('/.devhost/requester/mail', body); },
  async simulation(sid) {
    const response = await fetch(`/.devhost/calls/${enc(sid)}`, { credentials: 'same-origin' });
    return response.json();
  },
};

/**
 * Upload a file straight to Blob Storage: a create-only link from the desk, the bytes PUT there, then the desk
 * checks what arrived (size, real type) and keeps it on the ticket, or on the comment `commentId`.
 */
export async function uploadFile(number, file, commentId) {
  const { data: slot } = await api.startUpload(number, { filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size });
  const put = await fetch(slot.upload_url, { method: slot.method, headers: slot.headers, body: file });
  if (!put.ok) throw new ApiError(put.status, { detail: `Blob Storage refused the upload (HTTP ${put.status}).` });
  return (await api.completeUpload(number, slot.id, commentId ? { comment_id: commentId } : {})).data;
}
