// FITS results in the page: a spectrum (one long axis) becomes a table with its plot; an image
// is shown as a map; a cube (two sky axes and a spectral axis) gets its moment-0 map, a map of
// any channel, a row of channel maps around the brightest channel, and the spectrum at a
// clicked pixel. Maps are SVG with the pixels as an embedded image, so they export like plots.

import { h } from './dom.js';
import { parseFits, readImage, readBintable, axisWorld } from './fits.js';
import { niceTicks, fmt, exportButtons, spectrumPlot } from './plot.js';
import { colour } from './gridmap.js';

const SVG = 'http://www.w3.org/2000/svg';
const s = (tag, attrs = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/** Speed of light, km/s (exact, SI definition). */
const C_KM_S = 299792.458;
/** Channel maps shown around the brightest channel. */
const CHANNEL_MAPS = 8;

/** The spectral axis of a header axis `k` (1-based): its values in km/s or GHz, and a label. */
function spectralAxis(header, k, n) {
  const ctype = header.str(`CTYPE${k}`, '').trim();
  const unit = header.str(`CUNIT${k}`, '').trim().toLowerCase();
  const world = axisWorld(header, k);
  const raw = Array.from({ length: n }, (_, i) => world(i));
  if (/^(VRAD|VELO|VOPT|FELO)/i.test(ctype)) {
    const scale = unit === 'km/s' ? 1 : 1e-3;
    return { values: raw.map((v) => v * scale), name: 'velocity_km_s', label: `velocity (km/s, ${ctype})`, kind: 'velocity' };
  }
  if (/^FREQ/i.test(ctype)) {
    const scale = { hz: 1e-9, khz: 1e-6, mhz: 1e-3, ghz: 1 }[unit || 'hz'] ?? 1e-9;
    return { values: raw.map((v) => v * scale), name: 'freq_GHz', label: 'frequency (GHz)', kind: 'frequency' };
  }
  return { values: raw, name: ctype || `axis${k}`, label: `${ctype || `axis ${k}`}${unit ? ` (${unit})` : ''}`, kind: 'other' };
}

/**
 * Channel width in km/s for the moment-0 map: |Δv| on a velocity axis; on a frequency axis
 * c |Δν| / ν₀ with the rest frequency ν₀ (radio convention, Greisen et al. 2006, A&A 446, 747,
 * Table 1); else the width in the axis' own unit (`kms` false).
 */
function channelWidth(axis, header) {
  const d = axis.values.length > 1 ? Math.abs(axis.values[1] - axis.values[0]) : 1;
  if (axis.kind === 'velocity') return { dv: d, kms: true };
  const rest = header.num('RESTFRQ', header.num('RESTFREQ', NaN)) * 1e-9;
  if (axis.kind === 'frequency' && rest > 0) return { dv: C_KM_S * d / rest, kms: true };
  return { dv: d, kms: false };
}

/** An SVG map of `values` (nx × ny, x fastest, row 0 at the bottom) with a colour bar. */
function mapSvg(values, nx, ny, { side, title, unit, lo, hi, bar = true, axes }) {
  const M = { l: axes ? 56 : 4, r: bar ? 84 : 4, t: 4, b: axes ? 40 : 4 };
  const cell = side / Math.max(nx, ny);
  const [w, hgt] = [nx * cell, ny * cell];
  const width = M.l + w + M.r;
  const height = M.t + hgt + M.b;
  const canvas = h('canvas', { width: nx, height: ny });
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(nx, ny);
  for (let y = 0; y < ny; y += 1) {
    for (let x = 0; x < nx; x += 1) {
      const v = values[x + nx * y];
      const o = 4 * (x + nx * (ny - 1 - y));
      const c = Number.isFinite(v) ? colour((v - lo) / (hi - lo || 1)) : '#d9dde3';
      img.data.set([1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)).concat(255), o);
    }
  }
  ctx.putImageData(img, 0, 0);
  const svg = s('svg', { class: 'plot-svg map-svg cube-map', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title });
  svg.append(s('image', { href: canvas.toDataURL('image/png'), x: M.l, y: M.t, width: w, height: hgt, preserveAspectRatio: 'none', style: 'image-rendering:pixelated' }),
    s('rect', { x: M.l, y: M.t, width: w, height: hgt, class: 'map-frame' }));
  if (axes) {
    for (const [t, i] of axes.x) {
      const label = s('text', { x: M.l + (i + 0.5) * cell, y: M.t + hgt + 14, class: 'tick', 'text-anchor': 'middle' });
      label.textContent = t;
      svg.append(label);
    }
    for (const [t, j] of axes.y) {
      const label = s('text', { x: M.l - 4, y: M.t + hgt - (j + 0.5) * cell + 4, class: 'tick', 'text-anchor': 'end' });
      label.textContent = t;
      svg.append(label);
    }
    const xl = s('text', { x: M.l + w / 2, y: height - 6, class: 'axis-label', 'text-anchor': 'middle' });
    xl.textContent = axes.xLabel;
    svg.append(xl);
  }
  if (bar) {
    const bx = M.l + w + 12;
    for (let k = 0; k < 48; k += 1) svg.append(s('rect', { x: bx, y: (M.t + hgt - (k + 1) * hgt / 48).toFixed(2), width: 12, height: (hgt / 48 + 0.4).toFixed(2), fill: colour((k + 0.5) / 48) }));
    svg.append(s('rect', { x: bx, y: M.t, width: 12, height: hgt, class: 'map-frame' }));
    for (const t of niceTicks(lo, hi, 4)) {
      const y = M.t + hgt - (t - lo) / (hi - lo || 1) * hgt;
      const label = s('text', { x: bx + 16, y: y + 4, class: 'tick' });
      label.textContent = fmt(t);
      svg.append(s('line', { x1: bx + 12, x2: bx + 15, y1: y, y2: y, class: 'axis' }), label);
    }
    const ul = s('text', { x: bx, y: M.t + hgt + 14, class: 'tick' });
    ul.textContent = unit;
    svg.append(ul);
  }
  svg.pixelAt = (ev) => {
    const r = svg.getBoundingClientRect();
    const px = (ev.clientX - r.left) * (width / r.width) - M.l;
    const py = (ev.clientY - r.top) * (height / r.height) - M.t;
    const x = Math.floor(px / cell);
    const y = ny - 1 - Math.floor(py / cell);
    return x >= 0 && x < nx && y >= 0 && y < ny ? [x, y] : null;
  };
  return svg;
}

const finiteRange = (arr) => {
  let lo = Infinity; let hi = -Infinity;
  for (const v of arr) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return lo <= hi ? [lo, hi] : [0, 1];
};

/** Sky offsets (arcsec from the reference pixel, linear) labelling about four pixels of an axis. */
function skyTicks(header, k, n) {
  const world = axisWorld(header, k);
  const crval = header.num(`CRVAL${k}`, 0);
  const step = Math.max(1, Math.round(n / 4));
  const out = [];
  for (let i = 0; i < n; i += step) out.push([fmt((world(i) - crval) * 3600), i]);
  return out;
}

/** The cube view: moment 0 or one channel, channel maps, and the spectrum at a clicked pixel. */
function cubeView(name, image, [ax, ay, az]) {
  const { shape, data, header } = image;
  const stride = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const [nx, ny, nz] = [shape[ax], shape[ay], shape[az]];
  const at = (x, y, z) => data[x * stride[ax] + y * stride[ay] + z * stride[az]];
  const spec = spectralAxis(header, az + 1, nz);
  const { dv, kms } = channelWidth(spec, header);
  const bunit = header.str('BUNIT', '').trim();
  // Moment 0: M0(x, y) = Σ_k I(x, y, k) Δv over every channel.
  const mom0 = new Float64Array(nx * ny);
  const channelSum = new Float64Array(nz);
  for (let y = 0; y < ny; y += 1) {
    for (let x = 0; x < nx; x += 1) {
      let sum = 0;
      for (let z = 0; z < nz; z += 1) {
        const v = at(x, y, z);
        if (Number.isFinite(v)) { sum += v * dv; channelSum[z] += v; }
      }
      mom0[x + nx * y] = sum;
    }
  }
  const peak = channelSum.reduce((best, v, z) => (v > channelSum[best] ? z : best), 0);
  const channel = (z) => Float64Array.from({ length: nx * ny }, (_, i) => at(i % nx, Math.floor(i / nx), z));
  const cubeRange = finiteRange(data);
  const axes = { x: skyTicks(header, ax + 1, nx), y: skyTicks(header, ay + 1, ny), xLabel: `offset (arcsec), ${header.str(`CTYPE${ax + 1}`, 'x').trim()} × ${header.str(`CTYPE${ay + 1}`, 'y').trim()}` };
  const uid = Math.random().toString(36).slice(2);
  const modeSel = h('select', { id: `cube-mode-${uid}` }, h('option', { value: 'mom0' }, 'moment 0 (integrated)'), h('option', { value: 'channel' }, 'one channel'));
  const slider = h('input', { type: 'range', id: `cube-ch-${uid}`, min: 0, max: nz - 1, value: peak, disabled: true });
  const chLabel = h('span', { class: 'muted cube-channel' });
  const mapFig = h('figure', { class: 'plot map cube-main' });
  const specFig = h('div', { class: 'cube-spectrum' }, h('p', { class: 'muted' }, 'Click a pixel of the map for its spectrum.'));
  const readout = h('p', { class: 'readout' }, 'Move the pointer over the map to read values.');
  let picked = null;

  const showSpectrum = (x, y) => {
    picked = [x, y];
    const points = spec.values.map((v, z) => [v, at(x, y, z)]).filter((p) => Number.isFinite(p[1]));
    const title = `${name}: spectrum at pixel (${x + 1}, ${y + 1})`;
    specFig.replaceChildren(spectrumPlot({ title, xLabel: spec.label, yLabel: bunit || 'value', series: [{ name: `pixel (${x + 1}, ${y + 1})`, points, style: 'line', cls: 'model' }] }));
    specFig.dataset.pixel = `${x + 1},${y + 1}`;
  };
  const draw = () => {
    const mode = modeSel.value;
    slider.disabled = mode !== 'channel';
    const z = Number(slider.value);
    chLabel.textContent = `channel ${z + 1} of ${nz}: ${fmt(spec.values[z])} ${spec.kind === 'velocity' ? 'km/s' : spec.kind === 'frequency' ? 'GHz' : ''}`;
    const values = mode === 'mom0' ? mom0 : channel(z);
    const [lo, hi] = mode === 'mom0' ? finiteRange(mom0) : cubeRange;
    const unit = mode === 'mom0' ? `${bunit || 'value'}${kms ? ' km/s' : ' × channel'}` : bunit;
    const title = mode === 'mom0' ? `${name}: moment 0 (${unit})` : `${name}: channel ${z + 1} (${fmt(spec.values[z])})`;
    const side = Math.min(420, Math.max(200, (mapFig.clientWidth || 600) - 170));
    const svg = mapSvg(values, nx, ny, { side, title, unit, lo, hi, axes });
    svg.addEventListener('pointermove', (ev) => {
      const p = svg.pixelAt(ev);
      if (p) readout.textContent = `pixel (${p[0] + 1}, ${p[1] + 1}) · ${fmt(values[p[0] + nx * p[1]])} ${unit}`;
    });
    svg.addEventListener('click', (ev) => { const p = svg.pixelAt(ev); if (p) showSpectrum(...p); });
    mapFig.replaceChildren(h('figcaption', {}, title), h('div', { class: 'plot-tools' }, ...exportButtons(svg, title, (e) => { readout.textContent = e.message; })), svg, readout);
  };
  // Channel maps: CHANNEL_MAPS channels centred on the brightest, on the cube's colour scale.
  const first = Math.max(0, Math.min(nz - CHANNEL_MAPS, peak - Math.floor(CHANNEL_MAPS / 2)));
  const chans = Array.from({ length: Math.min(CHANNEL_MAPS, nz) }, (_, i) => first + i);
  const tiles = h('div', { class: 'channel-maps' });
  const channelMaps = h('figure', { class: 'plot channel-figure' }, h('figcaption', {}, `Channel maps around the brightest channel (${chans.length} of ${nz}, one colour scale)`), tiles);
  const drawTiles = () => {
    tiles.replaceChildren(...chans.map((z) => {
      const svg = mapSvg(channel(z), nx, ny, { side: 120, title: `channel ${z + 1}`, unit: bunit, lo: cubeRange[0], hi: cubeRange[1], bar: false });
      svg.addEventListener('click', () => { modeSel.value = 'channel'; slider.value = z; draw(); });
      return h('div', { class: 'channel-tile', 'data-channel': z + 1 }, svg, h('span', { class: 'muted' }, `${fmt(spec.values[z])}`));
    }));
  };
  modeSel.addEventListener('change', draw);
  slider.addEventListener('input', draw);
  const view = h('section', { class: 'result-view cube-view', 'aria-label': `${name} cube` },
    h('p', { class: 'muted cube-note' }, `${nx} × ${ny} pixels × ${nz} channels (${spec.label}); ${bunit || 'no BUNIT'}; brightest channel ${peak + 1}`),
    h('div', { class: 'plot-controls' }, h('span', { class: 'inline' }, h('label', { for: modeSel.id }, 'map'), modeSel),
      h('span', { class: 'inline' }, h('label', { for: slider.id }, 'channel'), slider, chLabel)),
    mapFig, specFig, channelMaps);
  requestAnimationFrame(() => { draw(); drawTiles(); if (!picked) showSpectrum(Math.floor(nx / 2), Math.floor(ny / 2)); });
  return view;
}

/** A 2-D image as a map. */
function imageView(name, image, [ax, ay]) {
  const { shape, data, header } = image;
  const stride = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const [nx, ny] = [shape[ax], shape[ay]];
  const values = Float64Array.from({ length: nx * ny }, (_, i) => data[(i % nx) * stride[ax] + Math.floor(i / nx) * stride[ay]]);
  const [lo, hi] = finiteRange(values);
  const unit = header.str('BUNIT', '').trim();
  const title = `${name} (${unit || 'no BUNIT'})`;
  const svg = mapSvg(values, nx, ny, { side: 420, title, unit, lo, hi, axes: { x: skyTicks(header, ax + 1, nx), y: skyTicks(header, ay + 1, ny), xLabel: 'offset (arcsec)' } });
  return h('section', { class: 'result-view' }, h('figure', { class: 'plot map' }, h('figcaption', {}, title), h('div', { class: 'plot-tools' }, ...exportButtons(svg, title)), svg));
}

/** `view` marked with what its FITS file holds ('spectrum', 'image' or 'table'), for SAMP. */
function kind(view, what) {
  view.dataset.fitsKind = what;
  return view;
}

/**
 * The view of a FITS result: `asTable(table)` shows a spectrum or a table (the TSV view);
 * images and cubes get maps. The element's `data-fits-kind` says which.
 */
export function fitsView(name, buffer, asTable) {
  const hdus = parseFits(buffer);
  const imageHdu = hdus.find((u) => (u.index === 0 || u.header.str('XTENSION', '').trim() === 'IMAGE') && u.header.num('NAXIS', 0) > 0);
  if (imageHdu) {
    const image = readImage(imageHdu);
    const long = image.shape.map((n, i) => [n, i]).filter(([n]) => n > 1).map(([, i]) => i);
    if (long.length === 1) {
      const spec = spectralAxis(image.header, long[0] + 1, image.shape[long[0]]);
      const y = `${(image.header.str('BTYPE', 'value') || 'value').trim()}${image.header.str('BUNIT', '') ? `_${image.header.str('BUNIT', '').trim()}` : ''}`;
      return kind(asTable({ columns: [spec.name, y], rows: spec.values.map((x, i) => [String(x), String(image.data[i])]) }), 'spectrum');
    }
    if (long.length === 2) return kind(imageView(name, image, long), 'image');
    if (long.length === 3) {
      // The spectral axis last, whatever its place in the file.
      const spectral = long.find((i) => /^(FREQ|VRAD|VELO|VOPT|FELO|WAVE)/i.test(image.header.str(`CTYPE${i + 1}`, '').trim())) ?? long[2];
      return kind(cubeView(name, image, [...long.filter((i) => i !== spectral), spectral]), 'image');
    }
    throw new Error(`${name}: an array of shape ${image.shape.join('×')} has more than three axes longer than 1`);
  }
  const tableHdu = hdus.find((u) => u.header.str('XTENSION', '').trim() === 'BINTABLE');
  if (!tableHdu) throw new Error(`${name}: no image and no BINTABLE`);
  const t = readBintable(tableHdu);
  const n = Math.max(0, ...t.columns.map((c) => c.values.length));
  const cols = t.columns.filter((c) => c.values.length === n);
  return kind(asTable({ columns: cols.map((c) => (c.unit ? `${c.name}_${c.unit.replace(/\W+/g, '')}` : c.name)), rows: Array.from({ length: n }, (_, i) => cols.map((c) => String(c.values[i]))) }), 'table');
}
