// An interactive SVG spectrum plot written for STOP: zoom (wheel, buttons, + / - keys), pan
// (drag, arrow keys), reset (double click, 0), value under the cursor, linear or log y axis,
// several series (line or sticks) and an optional residual panel.

import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const s = (tag, attrs = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/** About `n` round tick values between `lo` and `hi`. */
export function niceTicks(lo, hi, n = 6) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function fmt(v) {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(6)).toString();
}

/** Linear interpolation of sorted points at x (NaN outside). */
export function interpolate(points, x) {
  if (!points.length || x < points[0][0] || x > points[points.length - 1][0]) return NaN;
  let lo = 0; let hi = points.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (points[mid][0] <= x) lo = mid; else hi = mid; }
  const [x0, y0] = points[lo]; const [x1, y1] = points[hi];
  return x1 === x0 ? y0 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

function nearest(points, x) {
  let best = null; let d = Infinity;
  for (const p of points) { const e = Math.abs(p[0] - x); if (e < d) { d = e; best = p; } }
  return best;
}

/** Styles of the plot, inlined into exported SVG files (they cannot see the page's CSS). */
const EXPORT_STYLE = `.frame{fill:#fbfcfd;stroke:#9aa4b1}.grid{stroke:#e6e9ee}.zero{stroke:#9aa4b1;stroke-dasharray:3 3}
.axis{stroke:#6b7480}.tick{font:11px sans-serif;fill:#444c56}.axis-label{font:12px sans-serif;fill:#1b1f24}
.series{fill:none;stroke-width:1.5}.series.model{stroke:#1f5fae;stroke-width:2.5}.series.observed{stroke:#c2410c}
.series-dot.residual{fill:#6d28d9}.series-dot.model{fill:#1f5fae}.cursor{display:none}.map-frame{fill:none;stroke:#6b7480}
.export-title{font:600 14px sans-serif;fill:#1b1f24}.legend-text{font:12px sans-serif;fill:#1b1f24}`;

/**
 * A standalone SVG document of the plot as drawn, with `title` above it and a `legend`
 * ([{name, cls}], drawn in the series' styles) below it.
 */
export function svgText(svg, title = '', legend = []) {
  const copy = svg.cloneNode(true);
  copy.setAttribute('xmlns', SVG);
  const [w, hgt] = svgSize(svg);
  const top = title ? 26 : 0;
  const bottom = legend.length ? 26 : 0;
  const body = s('g', { transform: `translate(0 ${top})` });
  body.append(...copy.childNodes);
  const style = document.createElementNS(SVG, 'style');
  style.textContent = EXPORT_STYLE;
  copy.append(style, body);
  if (title) {
    const t = s('text', { x: 8, y: 18, class: 'export-title' });
    t.textContent = title;
    copy.append(t);
  }
  let x = 80;
  const y = top + hgt + 14;
  for (const item of legend) {
    copy.append(item.cls === 'residual' ? s('circle', { cx: x + 11, cy: y, r: 3, class: 'series-dot residual' })
      : s('path', { d: `M${x},${y}h22`, class: `series ${item.cls || ''}` }));
    const t = s('text', { x: x + 28, y: y + 4, class: 'legend-text' });
    t.textContent = item.name;
    copy.append(t);
    x += 44 + 6.5 * item.name.length;
  }
  copy.setAttribute('viewBox', `0 0 ${w} ${hgt + top + bottom}`);
  copy.setAttribute('width', w);
  copy.setAttribute('height', hgt + top + bottom);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** Saves `blob` as a file called `name` (a download link clicked once). */
export function download(blob, name) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

/** Width and height of a drawn SVG plot, from its viewBox. */
function svgSize(svg) {
  const [, , w, hgt] = (svg.getAttribute('viewBox') || '0 0 800 400').split(' ').map(Number);
  return [w, hgt];
}

/** A PNG (Blob) of `svgText(svg, title, legend)`, `scale` device pixels per SVG unit, on white. */
export function pngBlob(svg, title = '', legend = [], scale = 2) {
  const text = svgText(svg, title, legend);
  const [w, hgt] = (/viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(text) || [0, 800, 400]).slice(1).map(Number);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = h('canvas', { width: Math.round(w * scale), height: Math.round(hgt * scale) });
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the plot could not be encoded as PNG'))), 'image/png');
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('the plot could not be rasterised')); };
    img.src = url;
  });
}

/**
 * "SVG" and "PNG" buttons saving `svg` titled `title` as `{title}.svg` / `{title}.png`, with the
 * legend `legend()` gives at the time; errors go to `onError`.
 */
export function exportButtons(svg, title, onError = () => {}, legend = () => []) {
  const name = title.replace(/[^\w.-]+/g, '_');
  return [
    h('button', { type: 'button', class: 'export-svg', title: 'Download the plot as SVG', 'aria-label': 'Download the plot as SVG',
      onclick: () => download(new Blob([svgText(svg, title, legend())], { type: 'image/svg+xml' }), `${name}.svg`) }, 'SVG'),
    h('button', { type: 'button', class: 'export-png', title: 'Download the plot as PNG', 'aria-label': 'Download the plot as PNG',
      onclick: () => pngBlob(svg, title, legend()).then((b) => download(b, `${name}.png`), onError) }, 'PNG'),
  ];
}

/**
 * `opts`: {title, xLabel, yLabel, series: [{name, points, style: 'line'|'sticks', cls}],
 * residuals: [[x, y]] | null, xRange: [lo, hi] | undefined (first view; Reset shows all)}. Returns the element; `el.setSeries(series, residuals)` redraws.
 */
export function spectrumPlot(opts) {
  let series = opts.series.map((x) => ({ ...x, points: [...x.points].sort((a, b) => a[0] - b[0]) }));
  let residuals = opts.residuals || null;
  let logY = Boolean(opts.logY);
  const all = () => series.flatMap((x) => x.points);
  const fullX = () => {
    const xs = all().map((p) => p[0]);
    let lo = Math.min(...xs); let hi = Math.max(...xs);
    if (lo === hi) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.02;
    return [lo - pad, hi + pad];
  };
  let [x0, x1] = opts.xRange || fullX();

  const svg = s('svg', { class: 'plot-svg', role: 'img', tabindex: '0', 'aria-label': `${opts.title}: ${opts.yLabel} against ${opts.xLabel}. Wheel or +/- to zoom, drag or arrows to pan, 0 to reset.` });
  const readout = h('p', { class: 'readout', 'aria-live': 'off' }, 'Move the pointer over the plot to read values.');
  const logBox = h('input', { type: 'checkbox', id: `log-${Math.random().toString(36).slice(2)}`, checked: logY });
  const btn = (label, title, fn) => h('button', { type: 'button', title, 'aria-label': title, onclick: fn }, label);
  const toolbar = h('div', { class: 'plot-tools' },
    btn('+', 'Zoom in', () => zoom(0.5, (x0 + x1) / 2)),
    btn('−', 'Zoom out', () => zoom(2, (x0 + x1) / 2)),
    btn('←', 'Pan left', () => pan(-0.2)),
    btn('→', 'Pan right', () => pan(0.2)),
    btn('Reset', 'Reset zoom', () => { [x0, x1] = fullX(); draw(); }),
    h('label', { class: 'inline' }, logBox, ' log y'),
    ...exportButtons(svg, opts.title, (e) => { readout.textContent = e.message; },
      () => [...series, ...(residuals && residuals.length ? [{ name: 'residual (observed − model)', cls: 'residual' }] : [])]));
  const legend = h('ul', { class: 'legend' });
  const el = h('figure', { class: 'plot' }, h('figcaption', {}, opts.title), toolbar, svg, legend, readout);
  logBox.addEventListener('change', () => { logY = logBox.checked; draw(); });

  const M = { l: 78, r: 16, t: 12, b: 44 };
  let geom = null;
  const ty = (y) => (logY ? (y > 0 ? Math.log10(y) : NaN) : y);

  function yRange(points) {
    const ys = points.filter((p) => p[0] >= x0 && p[0] <= x1).map((p) => ty(p[1])).filter(Number.isFinite);
    let lo = Math.min(0, ...ys); let hi = Math.max(...ys);
    if (logY) lo = Math.min(...ys);
    if (!ys.length) { lo = 0; hi = 1; }
    if (lo === hi) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.06;
    return [logY ? lo - pad : (lo < 0 ? lo - pad : lo), hi + pad];
  }

  function panel(g, top, height, width, pts, seriesList, yLabel, allowLog) {
    const [ya, yb] = allowLog ? yRange(pts) : (() => {
      const ys = pts.filter((p) => p[0] >= x0 && p[0] <= x1).map((p) => p[1]);
      const m = Math.max(...ys.map(Math.abs)) || 1;
      return [-m * 1.1, m * 1.1];
    })();
    const X = (x) => M.l + (x - x0) / (x1 - x0) * (width - M.l - M.r);
    const Y = (y) => top + height - (y - ya) / (yb - ya) * height;
    g.append(s('rect', { x: M.l, y: top, width: width - M.l - M.r, height, class: 'frame' }));
    for (const t of niceTicks(ya, yb, Math.max(4, Math.round(height / 50)))) {
      g.append(s('line', { x1: M.l, x2: width - M.r, y1: Y(t), y2: Y(t), class: 'grid' }));
      const label = s('text', { x: M.l - 6, y: Y(t) + 4, class: 'tick', 'text-anchor': 'end' });
      label.textContent = allowLog && logY ? fmt(10 ** t) : fmt(t);
      g.append(label);
    }
    const yl = s('text', { x: 14, y: top + height / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 14 ${top + height / 2})` });
    yl.textContent = yLabel;
    g.append(yl);
    const clipId = `clip-${Math.random().toString(36).slice(2)}`;
    const clip = s('clipPath', { id: clipId });
    clip.append(s('rect', { x: M.l, y: top, width: width - M.l - M.r, height }));
    g.append(clip);
    const body = s('g', { 'clip-path': `url(#${clipId})` });
    g.append(body);
    for (const ser of seriesList) {
      const vis = ser.points.filter((p, i, a) => (p[0] >= x0 || (a[i + 1] && a[i + 1][0] >= x0)) && (p[0] <= x1 || (a[i - 1] && a[i - 1][0] <= x1)));
      const tyS = allowLog ? ty : (y) => y;
      if (ser.style === 'sticks') {
        const base = allowLog && logY ? ya : Math.max(ya, 0);
        const d = vis.map((p) => (Number.isFinite(tyS(p[1])) ? `M${X(p[0]).toFixed(1)},${Y(base).toFixed(1)}V${Y(tyS(p[1])).toFixed(1)}` : '')).join('');
        body.append(s('path', { d, class: `series ${ser.cls || ''}` }));
      } else if (ser.style === 'points') {
        for (const p of vis.filter((q) => Number.isFinite(tyS(q[1])))) body.append(s('circle', { cx: X(p[0]), cy: Y(tyS(p[1])), r: 2, class: `series-dot ${ser.cls || ''}` }));
      } else {
        const d = vis.filter((p) => Number.isFinite(tyS(p[1]))).map((p, i) => `${i ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(tyS(p[1])).toFixed(1)}`).join('');
        body.append(s('path', { d, class: `series ${ser.cls || ''}` }));
      }
    }
    if (!allowLog) g.append(s('line', { x1: M.l, x2: width - M.r, y1: Y(0), y2: Y(0), class: 'zero' }));
    return { X, Y, top, height };
  }

  function draw() {
    const width = Math.max(320, Math.round(svg.getBoundingClientRect().width || el.clientWidth || 800));
    const mainH = width < 600 ? 220 : 300;
    const resH = residuals && residuals.length ? (width < 600 ? 90 : 120) : 0;
    const height = M.t + mainH + (resH ? resH + 24 : 0) + M.b;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('height', height);
    svg.replaceChildren();
    const g = s('g');
    svg.append(g);
    const main = panel(g, M.t, mainH, width, all(), series, opts.yLabel, true);
    if (resH) panel(g, M.t + mainH + 24, resH, width, residuals, [{ points: residuals, style: 'points', cls: 'residual' }], 'residual', false);
    const bottom = height - M.b;
    for (const t of niceTicks(x0, x1, Math.max(3, Math.round(width / 110)))) {
      g.append(s('line', { x1: main.X(t), x2: main.X(t), y1: bottom, y2: bottom + 5, class: 'axis' }));
      const label = s('text', { x: main.X(t), y: bottom + 18, class: 'tick', 'text-anchor': 'middle' });
      label.textContent = fmt(t);
      g.append(label);
    }
    const xl = s('text', { x: (M.l + width - M.r) / 2, y: height - 6, class: 'axis-label', 'text-anchor': 'middle' });
    xl.textContent = opts.xLabel;
    g.append(xl);
    const cursor = s('line', { class: 'cursor', y1: M.t, y2: bottom, x1: -10, x2: -10 });
    g.append(cursor);
    geom = { width, X: main.X, cursor };
    legend.replaceChildren(...series.map((x) => h('li', { class: x.cls || '' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), x.name)),
      ...(resH ? [h('li', { class: 'residual' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), 'residual (observed − model)')] : []));
  }

  const xAt = (clientX) => {
    const r = svg.getBoundingClientRect();
    const px = (clientX - r.left) * (geom.width / r.width);
    return x0 + (px - M.l) / (geom.width - M.l - M.r) * (x1 - x0);
  };
  function zoom(factor, centre) {
    const lo = centre - (centre - x0) * factor; const hi = centre + (x1 - centre) * factor;
    if (hi - lo > 1e-12 * Math.max(1, Math.abs(centre))) { x0 = lo; x1 = hi; }
    draw();
  }
  function pan(fraction) { const d = (x1 - x0) * fraction; x0 += d; x1 += d; draw(); }

  svg.addEventListener('wheel', (ev) => { ev.preventDefault(); zoom(ev.deltaY > 0 ? 1.25 : 0.8, xAt(ev.clientX)); }, { passive: false });
  let drag = null;
  svg.addEventListener('pointerdown', (ev) => { drag = { x: ev.clientX, x0, x1 }; svg.setPointerCapture(ev.pointerId); });
  svg.addEventListener('pointerup', () => { drag = null; });
  svg.addEventListener('dblclick', () => { [x0, x1] = fullX(); draw(); });
  svg.addEventListener('pointermove', (ev) => {
    if (!geom) return;
    if (drag) {
      const r = svg.getBoundingClientRect();
      const dx = (ev.clientX - drag.x) * (geom.width / r.width) / (geom.width - M.l - M.r) * (drag.x1 - drag.x0);
      x0 = drag.x0 - dx; x1 = drag.x1 - dx;
      draw();
      return;
    }
    const x = xAt(ev.clientX);
    geom.cursor.setAttribute('x1', geom.X(x)); geom.cursor.setAttribute('x2', geom.X(x));
    const parts = [`${opts.xLabel} = ${fmt(x)}`];
    for (const ser of series) {
      const p = ser.style === 'sticks' ? nearest(ser.points, x) : [x, interpolate(ser.points, x)];
      if (p) parts.push(ser.style === 'sticks' ? `${ser.name}: ${fmt(p[1])} at ${fmt(p[0])}` : `${ser.name}: ${fmt(p[1])}`);
    }
    if (residuals && residuals.length) parts.push(`residual: ${fmt(interpolate(residuals, x))}`);
    readout.textContent = parts.join(' · ');
  });
  svg.addEventListener('keydown', (ev) => {
    const k = { '+': () => zoom(0.8, (x0 + x1) / 2), '=': () => zoom(0.8, (x0 + x1) / 2), '-': () => zoom(1.25, (x0 + x1) / 2),
      ArrowLeft: () => pan(-0.1), ArrowRight: () => pan(0.1), 0: () => { [x0, x1] = fullX(); draw(); } }[ev.key];
    if (k) { ev.preventDefault(); k(); }
  });
  new ResizeObserver(() => draw()).observe(el);

  el.setSeries = (next, nextResiduals) => {
    series = next.map((x) => ({ ...x, points: [...x.points].sort((a, b) => a[0] - b[0]) }));
    residuals = nextResiduals || null;
    [x0, x1] = fullX();
    draw();
  };
  requestAnimationFrame(draw);
  return el;
}
