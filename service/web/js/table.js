// Delimited text (TSV from the server, CSV/TSV from the user) into columns, and an HTML table.

import { h } from './dom.js';

/** Parses TSV or CSV (delimiter guessed; `#` comment lines skipped; header optional). */
export function parseDelimited(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (!lines.length) return { columns: [], rows: [] };
  const delim = lines[0].includes('\t') ? '\t' : lines[0].includes(',') ? ',' : lines[0].includes(';') ? ';' : /\s+/;
  const split = (l) => l.split(delim).map((s) => s.trim());
  const first = split(lines[0]);
  const hasHeader = first.some((c) => c !== '' && !Number.isFinite(Number(c)));
  const columns = hasHeader ? first : first.map((_, i) => `col${i + 1}`);
  const rows = (hasHeader ? lines.slice(1) : lines).map(split);
  return { columns, rows };
}

/** The first TABLE of a VOTable with TABLEDATA (BINARY serialisations are not read here). */
export function parseVotable(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('not well-formed XML');
  const table = doc.getElementsByTagNameNS('*', 'TABLE')[0];
  if (!table) throw new Error('no TABLE in the VOTable');
  const fields = Array.from(table.getElementsByTagNameNS('*', 'FIELD'));
  const columns = fields.map((f) => f.getAttribute('name') || f.getAttribute('ID') || '?');
  const units = fields.map((f) => f.getAttribute('unit') || '');
  const data = table.getElementsByTagNameNS('*', 'TABLEDATA')[0];
  if (!data) throw new Error('only TABLEDATA VOTables can be read in the browser');
  const rows = Array.from(data.getElementsByTagNameNS('*', 'TR')).map((tr) => Array.from(tr.getElementsByTagNameNS('*', 'TD')).map((td) => td.textContent.trim()));
  return { columns, units, rows };
}

/** A table from the text of a CSV, TSV or VOTable file. */
export function parseTableFile(name, text) {
  return /\.(vot|xml)$/i.test(name) || text.trimStart().startsWith('<') ? parseVotable(text) : parseDelimited(text);
}

/** Indices of the columns whose every value is a number. */
export function numericColumns(table) {
  return table.columns.map((_, i) => i).filter((i) => table.rows.length
    && table.rows.every((r) => r[i] !== undefined && r[i] !== '' && Number.isFinite(Number(r[i]))));
}

/** An HTML table of at most `limit` rows, with a caption. */
export function tableView(table, caption, limit = 500) {
  const shown = table.rows.slice(0, limit);
  const numeric = new Set(numericColumns(table));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'data' },
      h('caption', {}, caption, table.rows.length > limit ? ` (first ${limit} of ${table.rows.length} rows)` : ` (${table.rows.length} rows)`),
      h('thead', {}, h('tr', {}, table.columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, shown.map((r) => h('tr', {}, r.map((v, i) => h('td', { class: numeric.has(i) ? 'num' : null }, v)))))));
}
