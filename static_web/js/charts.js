/**
 * Small SVG charts, each drawn beside a table with the same numbers (in a <details>, so screen readers and
 * anyone who prefers numbers read the table; the picture is marked as an image with a text summary).
 * Hand-written rather than a chart library: bars and a two-series column chart are a few dozen lines.
 */
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  return el;
}

/** A table of rows [label, ...values] under a header row. */
export function dataTable(caption, header, rows) {
  const table = document.createElement('table');
  table.className = 'grid data';
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  for (const name of header) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = name; head.append(th); }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    row.forEach((value, i) => {
      const cell = i === 0 ? document.createElement('th') : document.createElement('td');
      if (i === 0) cell.scope = 'row';
      cell.textContent = String(value);
      tr.append(cell);
    });
  }
  return table;
}

/**
 * Horizontal bars, one per item: {label, value, tone?}. The label and the number are written on each bar, so
 * colour is never the only carrier of meaning.
 */
export function barChart(summary, items, format) {
  const rowHeight = 26;
  const width = 420;
  const labelWidth = 150;
  const max = Math.max(1, ...items.map((i) => i.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${items.length * rowHeight + 4}`, role: items.some((i) => i.href) ? 'group' : 'img', class: 'chart bars' });
  const title = svg('title');
  title.textContent = summary;
  chart.append(title);
  items.forEach((item, i) => {
    const y = i * rowHeight + 2;
    const label = svg('text', { x: 0, y: y + 17, class: 'label' });
    label.textContent = item.label;
    const length = ((width - labelWidth - 60) * item.value) / max;
    const bar = svg('rect', { x: labelWidth, y: y + 4, width: Math.max(item.value ? 2 : 0, length), height: rowHeight - 8, class: `bar ${item.tone || ''}` });
    const value = svg('text', { x: labelWidth + length + 6, y: y + 17, class: 'value' });
    value.textContent = format(item.value);
    if (item.href) {
      // A bar opens the list of the tickets it counts.
      // Its name is what it shows, the label and the number, as a link's name should be (WCAG 2.5.3).
      const link = svg('a', { href: item.href, class: 'bar-link' });
      link.append(label, bar, value);
      chart.append(link);
    } else chart.append(label, bar, value);
  });
  return chart;
}

/** Columns per day for two series (opened, resolved) side by side, with the first and last day written. */
export function dayColumns(summary, days, series, formatDay) {
  // Drawn about as wide as it is shown, so its labels keep the page's text size.
  const width = 1200;
  const height = 220;
  const bottom = height - 22;
  const max = Math.max(1, ...days.flatMap((d) => series.map((s) => d[s.key])));
  const slot = width / days.length;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart columns' });
  const title = svg('title');
  title.textContent = summary;
  chart.append(title, svg('line', { x1: 0, y1: bottom, x2: width, y2: bottom, class: 'axis' }));
  days.forEach((day, i) => {
    series.forEach((s, j) => {
      const h = ((bottom - 8) * day[s.key]) / max;
      chart.append(svg('rect', { x: i * slot + 2 + j * ((slot - 4) / series.length), y: bottom - h, width: (slot - 4) / series.length, height: h, class: `bar ${s.tone}` }));
    });
  });
  for (const [i, anchor] of [[0, 'start'], [days.length - 1, 'end']]) {
    const label = svg('text', { x: anchor === 'start' ? 0 : width, y: height - 6, 'text-anchor': anchor, class: 'label' });
    label.textContent = formatDay(days[i].date);
    chart.append(label);
  }
  return chart;
}
