/**
 * Renders /api/openapi.json as a readable reference: the real base URL, a table of contents by tag, and every
 * operation an integrator calls (the platform's own routes, marked x-internal, stay in the document only).
 */

const operationsRoot = document.getElementById('operations');

async function start() {
  const spec = await (await fetch('/api/openapi.json')).json();
  document.getElementById('title').textContent = `${spec.info.title} ${spec.info.version}`;
  document.getElementById('description').textContent = spec.info.description;
  // The server URL as this deployment serves it, e.g. https://desk.example.com/api.
  const base = new URL(spec.servers?.[0]?.url || '/api', location.origin);
  const basePath = base.pathname.replace(/\/$/, '');
  document.getElementById('base-url').textContent = `${base.origin}${basePath}`;
  const byTag = new Map();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op['x-internal']) continue;
      const tag = op.tags?.[0] || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const toc = document.getElementById('toc');
  for (const [tag, ops] of byTag) {
    const heading = document.createElement('h2');
    heading.id = `tag-${tag.replace(/\W+/g, '-')}`;
    heading.textContent = tag;
    operationsRoot.append(heading);
    const group = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#${heading.id}`;
    link.textContent = tag;
    const list = document.createElement('ul');
    for (const { path, method, op } of ops) {
      operationsRoot.append(render(spec, basePath + path, method, op));
      const item = document.createElement('li');
      const opLink = document.createElement('a');
      opLink.href = `#${op.operationId}`;
      opLink.textContent = `${method.toUpperCase()} ${basePath}${path}`;
      item.append(opLink, ` — ${op.summary}`);
      list.append(item);
    }
    group.append(link, list);
    toc.append(group);
  }
  // The contents were drawn after the page loaded: go to the operation the address names, if any.
  if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
}

function render(spec, path, method, op) {
  const section = document.getElementById('op-template').content.firstElementChild.cloneNode(true);
  section.id = op.operationId;
  section.querySelector('.method').textContent = method;
  section.querySelector('.path').textContent = path;
  section.querySelector('.summary').textContent = op.summary;
  section.querySelector('.description').textContent = op.description || '';
  const params = section.querySelector('.params');
  for (const p of op.parameters || []) {
    const li = document.createElement('li');
    li.textContent = `${p.name} (${p.in}${p.required ? ', required' : ''}): ${describe(spec, p.schema)}${p.description ? ` — ${p.description}` : ''}`;
    params.append(li);
  }
  const schema = op.requestBody?.content['application/json']?.schema;
  section.querySelector('.request').textContent = schema ? JSON.stringify(shape(spec, schema, 0), null, 2) : 'none';
  const responses = section.querySelector('.responses');
  for (const [status, response] of Object.entries(op.responses)) {
    const li = document.createElement('li');
    const content = Object.entries(response.content || {})[0];
    li.textContent = `${status}: ${content ? `${content[0]} ${describe(spec, content[1].schema)}` : response.description}`;
    responses.append(li);
  }
  return section;
}

function resolve(spec, schema) {
  if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split('/').pop()];
  return schema || {};
}

function describe(spec, schema) {
  if (schema?.$ref) return schema.$ref.split('/').pop();
  const s = resolve(spec, schema);
  if (s.enum) return s.enum.join(' | ');
  if (s.anyOf) return s.anyOf.map((x) => describe(spec, x)).join(' | ');
  return s.type || 'any';
}

function shape(spec, schema, depth) {
  const s = resolve(spec, schema);
  if (depth > 4) return '…';
  if (s.anyOf) return shape(spec, s.anyOf.find((x) => x.type !== 'null') || s.anyOf[0], depth + 1);
  if (s.type === 'object' && s.properties) {
    return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [`${k}${(s.required || []).includes(k) ? '' : '?'}`, shape(spec, v, depth + 1)]));
  }
  if (s.type === 'array') return [shape(spec, s.items, depth + 1)];
  if (s.enum) return s.enum.join(' | ');
  return s.type || 'any';
}

start();
