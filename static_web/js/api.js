/** Every call to the Atiende API goes through `request`, which throws ApiError on a problem response. */

export class ApiError extends Error {
  /** @param {number} status @param {{detail?: string, errors?: Array<{detail: string, pointer?: string}>}|null} problem */
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** @returns {Promise<{data: any, etag: string|null}>} */
export async function request(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
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
  groups: () => request('GET', '/groups'),
  categories: () => request('GET', '/categories'),
};

/** The signed-in user, from Static Web Apps. */
export async function me() {
  const response = await fetch('/.auth/me', { credentials: 'same-origin' });
  return (await response.json()).clientPrincipal;
}
