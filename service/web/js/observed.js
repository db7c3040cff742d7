// Observed spectra from the user's files (FITS 1-D image or BINTABLE, CSV/TSV, VOTable), read
// in the browser and put on the model's x axis: frequencies rescaled (Hz ... THz), velocities
// and wavelengths turned into frequencies with the rest frequency.

import { parseFits, readImage, readBintable, axisWorld } from './fits.js';
import { parseTableFile, numericColumns } from './table.js';
import { unitOf } from './votable.js';

/** Speed of light, m/s (exact, SI definition). */
const C_M_S = 299792458;

/** Frequency units in Hz, velocity units in m/s, wavelength units in m. */
const FREQ = { hz: 1, khz: 1e3, mhz: 1e6, ghz: 1e9, thz: 1e12 };
const VEL = { 'm/s': 1, 'm.s-1': 1, 'm s-1': 1, 'km/s': 1e3, 'km.s-1': 1e3, 'km s-1': 1e3, kms: 1e3 };
const WAVE = { m: 1, cm: 1e-2, mm: 1e-3, um: 1e-6, µm: 1e-6, micron: 1e-6, nm: 1e-9, angstrom: 1e-10 };

const X_NAME = /freq|velo|^vel|^v_|^v$|vrad|vlsr|wave|lambda|^x$/i;
const Y_NAME = /^t_?(r|a|mb|b)|tmb|ta\*?|intens|flux|jy|^i$|^y$|data|spec/i;

/** What kind of axis `ctype` or a column name describes: 'freq', 'vrad', 'vopt', 'wave' or null. */
function kindOf(name, unit) {
  const u = (unit || '').toLowerCase();
  if (/^VOPT|^FELO|^VELO-?OPT/i.test(name)) return 'vopt';
  if (/^FREQ|freq/i.test(name) || u in FREQ) return 'freq';
  if (/^VRAD|^VELO|vel|^v_|^v$|vlsr|vrad/i.test(name) || u in VEL) return 'vrad';
  if (/^WAVE|^AWAV|wave|lambda/i.test(name) || u in WAVE) return 'wave';
  return null;
}

/**
 * A function turning values of an axis (kind, unit) into the model's unit `target`, or null
 * when no conversion is known. Onto a frequency axis, velocities use the rest frequency
 * `restHz`: radio f = f0 (1 - v/c), optical f = f0 / (1 + v/c) (Greisen et al. 2006, A&A 446,
 * 747, Table 1), wavelengths f = c / λ. Onto a (radio) velocity axis, radio velocities are
 * rescaled and frequencies become v = c (1 - f/f0) (same table).
 */
export function toModelUnit(kind, unit, target, restHz) {
  const u = (unit || '').toLowerCase();
  const toVel = VEL[(target || '').toLowerCase()];
  if (toVel) {
    if (kind === 'vrad') { const s = VEL[u || 'm/s']; return s ? (v) => v * s / toVel : null; }
    if (kind === 'freq' && restHz > 0) { const s = FREQ[u || 'hz']; return s ? (f) => C_M_S * (1 - f * s / restHz) / toVel : null; }
    return null;
  }
  const to = FREQ[(target || '').toLowerCase()];
  if (!to) return null;
  if (kind === 'freq') { const s = FREQ[u || 'hz']; return s ? (x) => x * s / to : null; }
  if ((kind === 'vrad' || kind === 'vopt') && restHz > 0) {
    const s = VEL[u || 'm/s'];
    if (!s) return null;
    return kind === 'vrad' ? (v) => restHz * (1 - v * s / C_M_S) / to : (v) => restHz / (1 + v * s / C_M_S) / to;
  }
  if (kind === 'wave') { const s = WAVE[u || 'm']; return s ? (l) => C_M_S / (l * s) / to : null; }
  return null;
}

/** The rest frequency a FITS header states (RESTFRQ, or the older RESTFREQ), in Hz. */
const restOf = (header) => header.num('RESTFRQ', header.num('RESTFREQ', NaN));

/** A spectrum from a FITS file: a primary (or IMAGE) array with one axis longer than 1, else the first table with two numeric columns. */
function fitsSpectrum(buffer) {
  const hdus = parseFits(buffer);
  for (const hdu of hdus) {
    const isImage = hdu.index === 0 || hdu.header.str('XTENSION', '').trim() === 'IMAGE';
    if (!isImage || hdu.header.num('NAXIS', 0) === 0) continue;
    const image = readImage(hdu);
    const long = image.shape.map((n, i) => [n, i]).filter(([n]) => n > 1);
    if (long.length !== 1) throw new Error(`HDU ${hdu.index}: an image of shape ${image.shape.join('×')} is not a spectrum (one axis longer than 1 needed)`);
    const k = long[0][1] + 1;
    const world = axisWorld(image.header, k);
    const ctype = image.header.str(`CTYPE${k}`, '').trim();
    const unit = image.header.str(`CUNIT${k}`, '').trim();
    return {
      x: { name: ctype || `axis ${k}`, unit, kind: kindOf(ctype, unit) },
      y: { name: image.header.str('BTYPE', 'value').trim(), unit: image.header.str('BUNIT', '').trim() },
      points: Array.from(image.data, (v, i) => [world(i), v]),
      restHz: restOf(image.header),
      where: `HDU ${hdu.index}, ${image.shape.join('×')} array`,
    };
  }
  const hdu = hdus.find((u) => u.header.str('XTENSION', '').trim() === 'BINTABLE');
  if (!hdu) throw new Error('no spectrum: neither an array with one long axis nor a BINTABLE');
  const table = readBintable(hdu);
  const numeric = table.columns.filter((c) => typeof c.values[0] === 'number');
  const n = numeric.length ? Math.max(...numeric.map((c) => c.values.length)) : 0;
  const full = numeric.filter((c) => c.values.length === n);
  const xCol = full.find((c) => X_NAME.test(c.name)) ?? full[0];
  const yCol = full.find((c) => c !== xCol && Y_NAME.test(c.name)) ?? full.find((c) => c !== xCol);
  if (!xCol || !yCol) throw new Error(`HDU ${hdu.index} (${table.name || 'BINTABLE'}): need two numeric columns of the same length`);
  return {
    x: { name: xCol.name, unit: xCol.unit, kind: kindOf(xCol.name, xCol.unit) },
    y: { name: yCol.name, unit: yCol.unit },
    points: xCol.values.map((x, i) => [x, yCol.values[i]]),
    restHz: restOf(table.header),
    where: `HDU ${hdu.index} ${table.name ? `(${table.name}) ` : ''}columns ${xCol.name}, ${yCol.name}`,
  };
}

/** A spectrum from CSV, TSV or VOTable text: the first two numeric columns. */
function textSpectrum(name, text) {
  const table = parseTableFile(name, text);
  const cols = numericColumns(table);
  if (cols.length < 2) throw new Error('need two numeric columns (x, y)');
  const xi = cols.find((i) => X_NAME.test(table.columns[i])) ?? cols[0];
  const y = cols.find((i) => i !== xi && Y_NAME.test(table.columns[i])) ?? cols.find((i) => i !== xi);
  const unit = (table.units && table.units[xi]) || unitOf(table.columns[xi]) || '';
  return {
    x: { name: table.columns[xi], unit, kind: kindOf(table.columns[xi], unit) },
    y: { name: table.columns[y], unit: (table.units && table.units[y]) || unitOf(table.columns[y]) || '' },
    points: table.rows.map((r) => [Number(r[xi]), Number(r[y])]),
    restHz: NaN,
    where: `columns ${table.columns[xi]}, ${table.columns[y]}`,
  };
}

/**
 * Reads an observed spectrum from `file` and puts it on the model axis of unit `modelUnit`
 * (rest frequency `restModel`, in that unit, for velocities, unless the file states one). Returns {name,
 * points, note}; points with non-finite values are dropped. When no conversion is known the
 * values are taken as they are, and the note says so.
 */
export async function readObserved(file, modelUnit, restModel) {
  const buffer = await file.arrayBuffer();
  const head = new TextDecoder('ascii').decode(new Uint8Array(buffer, 0, Math.min(9, buffer.byteLength)));
  const isFits = head === 'SIMPLE  =' || /\.(fits?|fts)$/i.test(file.name);
  const spec = isFits ? fitsSpectrum(buffer) : textSpectrum(file.name, new TextDecoder().decode(buffer));
  const rest = spec.restHz > 0 ? spec.restHz : restModel * (FREQ[(modelUnit || '').toLowerCase()] || NaN);
  const convert = spec.x.kind ? toModelUnit(spec.x.kind, spec.x.unit, modelUnit, rest) : null;
  const points = spec.points.map(([x, y]) => [convert ? convert(x) : x, y]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (!points.length) throw new Error('no finite samples');
  points.sort((a, b) => a[0] - b[0]);
  const from = `${spec.x.name}${spec.x.unit ? ` (${spec.x.unit})` : ''}`;
  const how = convert ? `${from} → ${modelUnit}` : `${from} taken as the model's x unit`;
  const range = `${fmtX(points[0][0])} … ${fmtX(points[points.length - 1][0])}${convert ? ` ${modelUnit}` : ''}`;
  const yUnit = spec.y.unit ? ` (${spec.y.unit})` : '';
  const peak = points.reduce((best, p) => (p[1] > best[1] ? p : best), points[0]);
  const at = `peak ${fmtX(peak[1])}${yUnit} at ${fmtX(peak[0])}${convert ? ` ${modelUnit}` : ''}`;
  return { name: file.name, points, note: `${file.name}: ${points.length} points from ${spec.where}; x ${how}, ${range}; y ${spec.y.name}${yUnit}, ${at}` };
}

const fmtX = (v) => Number(v.toPrecision(7)).toString();
