// Result views: JSON pretty-printed, text shown, and for tables (TSV) a table plus an
// interactive spectrum plot, with an observed spectrum (FITS, CSV/TSV or VOTable, read in the
// browser) overlaid and the residuals.

import { h } from './dom.js';
import { fetchText, fetchBytes } from './uws.js';
import { parseDelimited, numericColumns, tableView } from './table.js';
import { spectrumPlot, interpolate, fmt } from './plot.js';
import { toVotable, unitOf } from './votable.js';
import { readObserved } from './observed.js';
import { gridAxes, gridMapView } from './gridmap.js';
import { fitsView } from './cube.js';

/** Largest FITS result opened in the page (a cube is read whole into memory). */
const MAX_FITS_BYTES = 64 * 1024 * 1024;
import { sendVotable, sendFits } from './samp.js';

/** Speed of light, km/s (exact, SI definition). */
const C_KM_S = 299792.458;

const X_HINT = /freq|velo|^v_|wave|lambda|channel/i;
/** Which column to plot first: antenna/brightness temperature, flux, intensity, A coefficient, tau. */
const Y_PREFERENCE = [/^t_?(r|a|mb|b)_|^t_?(r|a|mb|b)$/i, /intens|^i_|jy/i, /flux/i, /a_ul/i, /tau/i, /^pop_/i];

function chooser(label, columns, indices, selected) {
  const id = `sel-${label.replace(/\W/g, '')}-${Math.random().toString(36).slice(2)}`;
  const select = h('select', { id }, indices.map((i) => h('option', { value: i, selected: i === selected }, columns[i])));
  return { select, el: h('span', { class: 'inline' }, h('label', { for: id }, label), ' ', select) };
}

/** Model of a line list on the observed samples: each line's value at its nearest sample. */
function stickModel(lines, obs) {
  const at = new Map();
  for (const [x, y] of lines) {
    let best = -1; let d = Infinity;
    obs.forEach((p, i) => { const e = Math.abs(p[0] - x); if (e < d) { d = e; best = i; } });
    const step = obs.length > 1 ? Math.abs(obs[Math.min(best + 1, obs.length - 1)][0] - obs[Math.max(best - 1, 0)][0]) / 2 : Infinity;
    if (best >= 0 && d <= step) at.set(best, (at.get(best) || 0) + y);
  }
  const index = new Map(obs.map((p, i) => [p[0], i]));
  return (x) => at.get(index.get(x)) || 0;
}

/**
 * A table of points in space (columns x_m, y_m, z_m, as the populations of a 3-D model) with
 * the distance from the centre added, r = √(x² + y² + z²), as `r_m` and `log10_r_m`; boundary
 * points (`sink` = 1, populations zero by definition) are left out. Other tables as they are.
 */
function withRadius(table) {
  const [ix, iy, iz] = ['x_m', 'y_m', 'z_m'].map((c) => table.columns.indexOf(c));
  if (ix < 0 || iy < 0 || iz < 0) return table;
  const sink = table.columns.indexOf('sink');
  return { ...table, columns: [...table.columns, 'r_m', 'log10_r_m'],
    rows: table.rows.filter((r) => sink < 0 || r[sink] !== '1').map((r) => {
      const radius = Math.hypot(Number(r[ix]), Number(r[iy]), Number(r[iz]));
      return [...r, String(radius), String(Math.log10(radius))];
    }) };
}

/**
 * "Send to SAMP": a tab-separated result as the server's VOTable, a FITS result (`fitsKind`
 * 'spectrum', 'image' or 'table') as itself, by URL, to every SAMP client.
 */
function sampButton(result, fitsKind) {
  const status = h('span', { class: 'samp-status muted', 'aria-live': 'polite' });
  const url = new URL(result.href, location.href);
  const votUrl = `${location.origin}/web/votable${url.pathname.replace(/^\/uws/, '').replace('/results/', '/')}`;
  const button = h('button', { type: 'button', class: 'small samp', onclick: async () => {
    button.disabled = true;
    status.textContent = 'asking the SAMP hub…';
    try {
      const n = await (fitsKind ? sendFits(fitsKind, url.href, result.name) : sendVotable(votUrl, result.name));
      status.textContent = `sent to ${n} SAMP client${n === 1 ? '' : 's'}`;
    } catch (e) {
      status.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  } }, 'Send to SAMP');
  return h('span', { class: 'inline' }, button, status);
}

/** The view of one TSV result: a map for a model grid, else the table + plot + overlay. */
export function tableResult(result, text) {
  return tableResultOf(result, parseDelimited(text));
}

/** The same view of a table already parsed ({columns, rows} of strings). */
function tableResultOf(result, input) {
  const grid = gridAxes(input);
  if (grid) return gridMapView(result.name, input, grid);
  const table = withRadius(input);
  const points = table !== input;
  const numeric = numericColumns(table).filter((i) => !/^(index|i|n|model|status|iup|ilow|up|lo|sink)$/i.test(table.columns[i]));
  const wrap = h('section', { class: 'result-view', 'aria-label': `${result.name} view` });
  if (numeric.length < 2) {
    wrap.append(tableView(table, result.name));
    return wrap;
  }
  const xDefault = points ? table.columns.length - 1 : numeric.find((i) => X_HINT.test(table.columns[i])) ?? numeric[0];
  const yDefault = Y_PREFERENCE.map((re) => numeric.find((i) => i !== xDefault && re.test(table.columns[i]))).find((i) => i !== undefined)
    ?? numeric.find((i) => i !== xDefault);
  const xs = chooser('x', table.columns, numeric, xDefault);
  const ys = chooser('y', table.columns, numeric, yDefault);
  const sticks = /line/i.test(result.name);
  let observed = null;
  const obsInput = h('input', { type: 'file', id: `obs-${result.name}`, accept: '.fits,.fit,.fts,.csv,.tsv,.txt,.dat,.vot,.xml,application/fits,image/fits,text/csv,text/tab-separated-values,text/plain,application/x-votable+xml' });
  const obsStatus = h('span', { class: 'muted obs-status', 'aria-live': 'polite' });

  // Frequency or radio velocity, v = c (1 - f / f_rest), for frequency axes.
  const axisId = `axis-${Math.random().toString(36).slice(2)}`;
  const axis = h('select', { id: axisId }, h('option', { value: 'frequency' }, 'frequency'), h('option', { value: 'velocity' }, 'velocity (radio)'));
  const restInput = h('input', { type: 'text', inputmode: 'decimal', id: `${axisId}-rest`, size: 12, class: 'rest' });
  const isFreq = () => /freq/i.test(table.columns[xs.select.value]);
  const strongest = () => table.rows.reduce((best, r) => (Number(r[ys.select.value]) > Number(best[ys.select.value]) ? r : best), table.rows[0]);
  restInput.value = fmt(Number(strongest()[xs.select.value]));
  const axisControls = h('span', { class: 'inline axis-controls' }, h('label', { for: axisId }, 'axis'), axis,
    h('label', { for: restInput.id }, 'rest frequency'), restInput, h('span', { class: 'muted' }, table.columns[xDefault].replace(/^.*_/, '')));
  const velocity = () => isFreq() && axis.value === 'velocity' && Number(restInput.value) > 0;
  const toX = (x) => (velocity() ? C_KM_S * (1 - x / Number(restInput.value)) : x);
  /** First view on the velocity axis: the rest line and its surroundings. */
  const VELOCITY_WINDOW_KM_S = 300;
  const xRange = () => (velocity() ? [-VELOCITY_WINDOW_KM_S, VELOCITY_WINDOW_KM_S] : undefined);
  const xLabel = () => (velocity() ? `velocity (km/s, radio, rest ${restInput.value})` : table.columns[xs.select.value]);

  const model = () => table.rows.map((r) => [toX(Number(r[xs.select.value])), Number(r[ys.select.value])]);
  const build = () => {
    const series = [{ name: `model ${table.columns[ys.select.value]}`, points: model(), style: sticks ? 'sticks' : points ? 'points' : 'line', cls: 'model' }];
    let residuals = null;
    if (observed) {
      series.unshift({ name: `observed (${observed.name})`, points: observed.points.map(([x, y]) => [toX(x), y]), style: 'line', cls: 'observed' });
      const sorted = [...series[1].points].sort((a, b) => a[0] - b[0]);
      const obs = [...series[0].points].sort((a, b) => a[0] - b[0]);
      // A line list predicts the peak of each line at its frequency and nothing between
      // lines: compare it with the observed sample nearest to each line, zero elsewhere.
      const modelAt = sticks ? stickModel(sorted, obs) : (x) => interpolate(sorted, x);
      residuals = obs.map(([x, y]) => [x, y - modelAt(x)]).filter((p) => Number.isFinite(p[1]));
    }
    return { series, residuals };
  };
  const first = build();
  const plot = spectrumPlot({ title: `${result.name}: ${table.columns[ys.select.value]} against ${xLabel()}`,
    xLabel: xLabel(), yLabel: table.columns[ys.select.value], series: first.series, residuals: first.residuals,
    logY: /a_ul|^pop_/i.test(table.columns[ys.select.value]) });
  let current = plot;
  const redraw = () => {
    const b = build();
    const next = spectrumPlot({ title: `${result.name}: ${table.columns[ys.select.value]} against ${xLabel()}`,
      xLabel: xLabel(), yLabel: table.columns[ys.select.value], series: b.series, residuals: b.residuals, xRange: xRange(),
      logY: /a_ul|^pop_/i.test(table.columns[ys.select.value]) });
    current.replaceWith(next);
    current = next;
  };
  xs.select.addEventListener('change', () => { axisControls.hidden = !isFreq(); redraw(); });
  axis.addEventListener('change', redraw);
  restInput.addEventListener('change', redraw);
  axisControls.hidden = !isFreq();
  const votable = URL.createObjectURL(new Blob([toVotable(table, result.name.replace(/\.\w+$/, ''))], { type: 'application/x-votable+xml' }));
  const votName = result.name.replace(/\.\w+$/, '.vot');
  ys.select.addEventListener('change', redraw);
  obsInput.addEventListener('change', async () => {
    const file = obsInput.files[0];
    if (!file) return;
    try {
      observed = await readObserved(file, unitOf(table.columns[xs.select.value]), Number(restInput.value));
    } catch (e) {
      obsStatus.textContent = `${file.name}: ${e.message}`;
      return;
    }
    obsStatus.textContent = observed.note;
    redraw();
  });
  wrap.append(
    h('div', { class: 'plot-controls' }, xs.el, ys.el, axisControls),
    h('div', { class: 'plot-controls' },
      h('span', { class: 'inline' }, h('label', { for: obsInput.id }, 'Observed spectrum (FITS, CSV, TSV, VOTable)'), ' ', obsInput), obsStatus,
      h('a', { class: 'button small votable', href: votable, download: votName }, `Download ${votName} (VOTable)`),
      // The server serves tab-separated results as VOTable at a URL a SAMP client can load.
      /tab-separated/.test(result.mime) ? sampButton(result) : null),
    plot,
    h('details', { class: 'table-details', open: true }, h('summary', {}, `Table ${result.name}`), tableView(table, result.name)));
  return wrap;
}

/** Renders the view of `result` into a new element (fetching its content). */
export async function resultView(result) {
  const mime = result.mime.toLowerCase();
  if (mime.includes('fits') || /\.(fits?|fts)$/i.test(result.name)) {
    if (result.size > MAX_FITS_BYTES) return h('p', { class: 'muted' }, `${result.name} is too large to show here; download it.`);
    const view = fitsView(result.name, await fetchBytes(result.href), (table) => tableResultOf(result, table));
    view.prepend(h('div', { class: 'plot-controls' }, sampButton(result, view.dataset.fitsKind)));
    return view;
  }
  if (mime.startsWith('image/png') || mime.startsWith('image/svg')) {
    return h('section', { class: 'result-view' }, h('img', { class: 'result-image', src: result.href, alt: result.name }));
  }
  const isTable = mime.includes('tab-separated') || mime.includes('csv') || /\.(tsv|csv)$/i.test(result.name);
  const isJson = mime.includes('json');
  const isText = mime.startsWith('text/');
  if (!isTable && !isJson && !isText) return null;
  if (result.size > 5 * 1024 * 1024) return h('p', { class: 'muted' }, `${result.name} is too large to show here; download it.`);
  const text = await fetchText(result.href);
  if (isTable) return tableResult(result, text);
  let shown = text;
  if (isJson) { try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* as is */ } }
  return h('section', { class: 'result-view', 'aria-label': `${result.name} content` },
    h('pre', { class: 'text-result', tabindex: '0' }, shown.length > 20000 ? `${shown.slice(0, 20000)}\n…` : shown));
}
