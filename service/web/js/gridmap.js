// Maps of a model grid (one row per model: the axis values, then the outputs): a chosen output
// over two chosen axes, the other axes held at chosen values, as an SVG image with a colour
// bar, the value under the cursor and PNG/SVG export.

import { h } from './dom.js';
import { niceTicks, fmt, exportButtons } from './plot.js';
import { tableView } from './table.js';

const SVG = 'http://www.w3.org/2000/svg';
const s = (tag, attrs = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/** Colour stops of the map scale, low to high (dark violet, blue, teal, green, yellow). */
const STOPS = [[0x30, 0x12, 0x3b], [0x3f, 0x5f, 0xd1], [0x22, 0xb5, 0xa5], [0x9b, 0xd5, 0x3f], [0xf9, 0xe7, 0x21]];

/** The colour of `t` in [0, 1], interpolated linearly between the stops. */
export function colour(t) {
  const u = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(u));
  const f = u - i;
  const c = STOPS[i].map((a, k) => Math.round(a + (STOPS[i + 1][k] - a) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** An axis value for a tick: three significant digits, powers of ten as 1e5. */
function short(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || v === '') return String(v);
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e4 || a < 1e-2)) return n.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(n.toPrecision(3)));
}

const INDEX_NAME = /^(model|index|id|row|i|n)$/i;
const isNumber = (v) => v !== '' && Number.isFinite(Number(v));
const distinct = (rows, i) => {
  const seen = [...new Set(rows.map((r) => r[i]))];
  return seen.every(isNumber) ? seen.sort((a, b) => Number(a) - Number(b)) : seen;
};

/**
 * The grid structure of a table, or null: its axes are the leading columns (after a model
 * number) that together tell every row apart, each combination of their values once; axes with one value (and columns of one value
 * right after the axes) are fixed, the numeric columns after them are outputs. Returns {axes: [{col, values}], fixed: [{col, value}],
 * outputs: [col]} with at least two axes of several values.
 */
export function gridAxes(table) {
  const { rows, columns } = table;
  if (rows.length < 4) return null;
  const run = [];
  const keys = new Set();
  let complete = false;
  let last = -1;
  for (let i = 0; i < columns.length && !complete; i += 1) {
    const values = distinct(rows, i);
    if (values.length === rows.length && (INDEX_NAME.test(columns[i]) || i === 0)) continue;
    run.push({ col: i, values });
    keys.clear();
    for (const r of rows) keys.add(run.map((a) => r[a.col]).join('\t'));
    complete = keys.size === rows.length;
    last = i;
  }
  // Columns of one value right after the axes (a line width held fixed) are fixed axes too.
  for (let i = last + 1; i < columns.length; i += 1) {
    const values = distinct(rows, i);
    if (values.length !== 1) break;
    run.push({ col: i, values });
    last = i;
  }
  const axes = run.filter((a) => a.values.length > 1);
  // Every combination of the axis values once: a grid, not a list of points.
  if (!complete || axes.length < 2 || axes.reduce((n, a) => n * a.values.length, 1) !== rows.length) return null;
  const fixed = run.filter((a) => a.values.length === 1).map((a) => ({ col: a.col, value: a.values[0] }));
  const outputs = columns.map((_, i) => i).filter((i) => i > last && rows.some((r) => isNumber(r[i])) && rows.every((r) => r[i] === '' || isNumber(r[i]) || /^(nan|inf|-inf)$/i.test(r[i])));
  return outputs.length ? { axes, fixed, outputs } : null;
}

/**
 * Ticks of the colour bar over [lo, hi] (log10 of the values when `log`): whole decades when
 * the scale spans two or more, else round values placed at their logarithm.
 */
function barTicks(lo, hi, log) {
  if (!log) return niceTicks(lo, hi, 5);
  if (hi - lo >= 2) {
    const step = Math.ceil((Math.floor(hi) - Math.ceil(lo) + 1) / 6);
    const out = [];
    for (let d = Math.ceil(lo); d <= hi; d += step) out.push(d);
    return out;
  }
  return niceTicks(10 ** lo, 10 ** hi, 4).filter((v) => v > 0).map(Math.log10);
}

/** Which output to map first: a radiation temperature, an excitation temperature, then any. */
const OUTPUT_PREFERENCE = [/^t_?r_/i, /^tex/i, /^tau/i, /flux/i];

function select(id, label, options, selected) {
  const el = h('select', { id }, options.map(([value, text]) => h('option', { value, selected: String(value) === String(selected) }, text)));
  return { el, wrap: h('span', { class: 'inline' }, h('label', { for: id }, label), el) };
}

/** The map view of a grid table `table` (from result `name`) with structure `grid` (from `gridAxes`). */
export function gridMapView(name, table, grid) {
  const uid = Math.random().toString(36).slice(2);
  const axisOptions = grid.axes.map((a) => [a.col, `${table.columns[a.col]} (${a.values.length})`]);
  const xSel = select(`map-x-${uid}`, 'x axis', axisOptions, grid.axes[0].col);
  const ySel = select(`map-y-${uid}`, 'y axis', axisOptions, grid.axes[1].col);
  const firstOut = OUTPUT_PREFERENCE.map((re) => grid.outputs.find((i) => re.test(table.columns[i]))).find((i) => i !== undefined) ?? grid.outputs[0];
  const outSel = select(`map-out-${uid}`, 'output', grid.outputs.map((i) => [i, table.columns[i]]), firstOut);
  const logBox = h('input', { type: 'checkbox', id: `map-log-${uid}` });
  const fixedBox = h('span', { class: 'inline map-fixed' });
  const fixedSel = new Map(grid.axes.map((a) => [a.col, select(`map-fix-${a.col}-${uid}`, `${table.columns[a.col]} =`, a.values.map((v) => [v, short(v)]), a.values[0])]));
  const figure = h('figure', { class: 'plot map' });
  const readout = h('p', { class: 'readout', 'aria-live': 'off' }, 'Move the pointer over the map to read values.');
  const note = h('p', { class: 'muted map-note' },
    `${table.rows.length} models over ${grid.axes.map((a) => `${table.columns[a.col]} (${a.values.length})`).join(' × ')}`,
    grid.fixed.length ? `; fixed: ${grid.fixed.map((f) => `${table.columns[f.col]} = ${f.value}`).join(', ')}` : '');

  /** The map as {xAxis, yAxis, out, cells[iy][ix]} for the current choices. */
  const current = () => {
    const xAxis = grid.axes.find((a) => a.col === Number(xSel.el.value));
    const yAxis = grid.axes.find((a) => a.col === Number(ySel.el.value));
    const out = Number(outSel.el.value);
    const held = grid.axes.filter((a) => a !== xAxis && a !== yAxis).map((a) => [a.col, fixedSel.get(a.col).el.value]);
    const xi = new Map(xAxis.values.map((v, i) => [v, i]));
    const yi = new Map(yAxis.values.map((v, i) => [v, i]));
    const cells = yAxis.values.map(() => xAxis.values.map(() => NaN));
    for (const r of table.rows) {
      if (held.every(([c, v]) => r[c] === v)) cells[yi.get(r[yAxis.col])][xi.get(r[xAxis.col])] = r[out] === '' ? NaN : Number(r[out]);
    }
    return { xAxis, yAxis, out, cells };
  };

  const draw = () => {
    if (xSel.el.value === ySel.el.value) {
      const other = grid.axes.find((a) => String(a.col) !== xSel.el.value);
      ySel.el.value = String(other.col);
    }
    fixedBox.replaceChildren(...grid.axes.filter((a) => String(a.col) !== xSel.el.value && String(a.col) !== ySel.el.value).map((a) => fixedSel.get(a.col).wrap));
    const m = current();
    const values = m.cells.flat().filter(Number.isFinite);
    const positive = values.length > 0 && values.every((v) => v > 0);
    logBox.disabled = !positive;
    const log = positive && logBox.checked;
    const tv = (v) => (log ? Math.log10(v) : v);
    let lo = Math.min(...values.map(tv));
    let hi = Math.max(...values.map(tv));
    if (!values.length) { lo = 0; hi = 1; }
    if (hi === lo) { lo -= 0.5; hi += 0.5; }
    const nx = m.xAxis.values.length;
    const ny = m.yAxis.values.length;
    const avail = Math.max(320, Math.round((figure.clientWidth || 824) - 24));
    const M = { l: 84, r: 84, t: 12, b: 48 };
    const side = Math.min(avail - M.l - M.r, 440);
    const width = M.l + side + M.r;
    const height = M.t + side + M.b;
    const cw = side / nx;
    const ch = side / ny;
    const svg = s('svg', { class: 'plot-svg map-svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', tabindex: '0',
      'aria-label': `${table.columns[m.out]} over ${table.columns[m.xAxis.col]} and ${table.columns[m.yAxis.col]}` });
    const g = s('g');
    svg.append(g);
    m.cells.forEach((row, iy) => row.forEach((v, ix) => {
      const ok = Number.isFinite(v) && (!log || v > 0);
      g.append(s('rect', { x: (M.l + ix * cw).toFixed(2), y: (M.t + (ny - 1 - iy) * ch).toFixed(2), width: (cw + 0.4).toFixed(2), height: (ch + 0.4).toFixed(2),
        class: ok ? 'map-cell' : 'map-cell missing', fill: ok ? colour((tv(v) - lo) / (hi - lo)) : '#d9dde3', 'data-value': v, 'data-x': m.xAxis.values[ix], 'data-y': m.yAxis.values[iy] }));
    }));
    g.append(s('rect', { x: M.l, y: M.t, width: side, height: side, class: 'map-frame' }));
    const every = (n) => Math.max(1, Math.ceil(n / Math.max(2, Math.floor(side / 40))));
    m.xAxis.values.forEach((v, i) => {
      if (i % every(nx)) return;
      const t = s('text', { x: M.l + (i + 0.5) * cw, y: M.t + side + 16, class: 'tick', 'text-anchor': 'middle' });
      t.textContent = short(v);
      g.append(t);
    });
    m.yAxis.values.forEach((v, i) => {
      if (i % every(ny)) return;
      const t = s('text', { x: M.l - 6, y: M.t + (ny - 0.5 - i) * ch + 4, class: 'tick', 'text-anchor': 'end' });
      t.textContent = short(v);
      g.append(t);
    });
    const xl = s('text', { x: M.l + side / 2, y: height - 8, class: 'axis-label', 'text-anchor': 'middle' });
    xl.textContent = table.columns[m.xAxis.col];
    const yl = s('text', { x: 14, y: M.t + side / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 14 ${M.t + side / 2})` });
    yl.textContent = table.columns[m.yAxis.col];
    g.append(xl, yl);
    // Colour bar: 64 steps from lo to hi, ticks in the output's values.
    const bx = M.l + side + 16;
    for (let k = 0; k < 64; k += 1) {
      g.append(s('rect', { x: bx, y: (M.t + side - (k + 1) * side / 64).toFixed(2), width: 14, height: (side / 64 + 0.4).toFixed(2), fill: colour((k + 0.5) / 64), class: 'map-bar' }));
    }
    g.append(s('rect', { x: bx, y: M.t, width: 14, height: side, class: 'map-frame' }));
    for (const t of barTicks(lo, hi, log)) {
      const y = M.t + side - (t - lo) / (hi - lo) * side;
      const label = s('text', { x: bx + 18, y: y + 4, class: 'tick' });
      label.textContent = fmt(log ? 10 ** t : t);
      g.append(s('line', { x1: bx + 14, x2: bx + 17, y1: y, y2: y, class: 'axis' }), label);
    }
    readout.textContent = 'Move the pointer over the map to read values.';
    const title = `${name}: ${table.columns[m.out]} over ${table.columns[m.xAxis.col]} × ${table.columns[m.yAxis.col]}`;
    svg.addEventListener('pointermove', (ev) => {
      const r = svg.getBoundingClientRect();
      const px = (ev.clientX - r.left) * (width / r.width);
      const py = (ev.clientY - r.top) * (height / r.height);
      const ix = Math.floor((px - M.l) / cw);
      const iy = ny - 1 - Math.floor((py - M.t) / ch);
      if (ix < 0 || ix >= nx || iy < 0 || iy >= ny) return;
      readout.textContent = `${table.columns[m.xAxis.col]} = ${short(m.xAxis.values[ix])} · ${table.columns[m.yAxis.col]} = ${short(m.yAxis.values[iy])} · ${table.columns[m.out]} = ${fmt(m.cells[iy][ix])}`;
    });
    figure.replaceChildren(h('figcaption', {}, title),
      h('div', { class: 'plot-tools' }, ...exportButtons(svg, title, (e) => { readout.textContent = e.message; })), svg, readout);
  };
  for (const sel of [xSel, ySel, outSel, ...fixedSel.values()]) sel.el.addEventListener('change', draw);
  logBox.addEventListener('change', draw);
  const view = h('section', { class: 'result-view grid-map', 'aria-label': `${name} map` },
    note,
    h('div', { class: 'plot-controls' }, xSel.wrap, ySel.wrap, outSel.wrap, h('label', { class: 'inline' }, logBox, ' log colour')),
    h('div', { class: 'plot-controls' }, fixedBox),
    figure,
    h('details', { class: 'table-details' }, h('summary', {}, `Table ${name}`), tableView(table, name)));
  // Log colours by default for outputs spanning more than two decades of positive values.
  const first = table.rows.map((r) => Number(r[firstOut])).filter(Number.isFinite);
  logBox.checked = first.length > 0 && first.every((v) => v > 0) && Math.max(...first) / Math.min(...first) > 100;
  requestAnimationFrame(draw);
  let shownWidth = 0;
  new ResizeObserver(() => { if (view.clientWidth !== shownWidth) { shownWidth = view.clientWidth; draw(); } }).observe(view);
  return view;
}
