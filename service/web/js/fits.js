// A small FITS reader written for STOP's browser client (FITS Standard 4.0, IAU FITS Working
// Group 2016): headers, primary or IMAGE arrays (any BITPIX, BSCALE/BZERO, BLANK) and
// BINTABLE columns (L B I J K E D A, TSCAL/TZERO/TNULL), plus the linear world coordinates of
// an image axis. Errors name the HDU and the keyword or column concerned.

const BLOCK = 2880;
const CARD = 80;

/** A header: keyword -> value (number, string, boolean), in order; `get` gives undefined if absent. */
class Header {
  constructor() { this.cards = new Map(); }
  get(key) { return this.cards.get(key); }
  num(key, fallback) {
    const v = this.cards.get(key);
    return typeof v === 'number' ? v : fallback;
  }
  str(key, fallback) {
    const v = this.cards.get(key);
    return typeof v === 'string' ? v : fallback;
  }
}

/** The value of one card (`'text'` with '' for a quote, T/F, integer or float with D exponent). */
function cardValue(text) {
  const t = text.trimStart();
  if (t.startsWith("'")) {
    let out = '';
    for (let i = 1; i < t.length; i += 1) {
      if (t[i] === "'") {
        if (t[i + 1] === "'") { out += "'"; i += 1; } else break;
      } else out += t[i];
    }
    return out.trimEnd();
  }
  const bare = t.split('/')[0].trim();
  if (bare === 'T') return true;
  if (bare === 'F') return false;
  const n = Number(bare.replace(/[dD]/, 'E'));
  return bare !== '' && Number.isFinite(n) ? n : bare;
}

/** Parses one header from `offset`; returns it and the offset of its data. */
function parseHeader(bytes, offset, hduIndex) {
  const header = new Header();
  const decoder = new TextDecoder('ascii');
  for (let pos = offset; pos + CARD <= bytes.length; pos += CARD) {
    const card = decoder.decode(bytes.subarray(pos, pos + CARD));
    const key = card.slice(0, 8).trim();
    if (key === 'END') return { header, dataStart: Math.ceil((pos + CARD) / BLOCK) * BLOCK };
    if (card.slice(8, 10) === '= ' && key !== '') header.cards.set(key, cardValue(card.slice(10)));
  }
  throw new Error(`HDU ${hduIndex}: header without END card (file cut short?)`);
}

/** Bytes of the data of an HDU (FITS Standard 4.0, eq. 1 and 2), before block padding. */
function dataBytes(header, hduIndex) {
  const naxis = header.num('NAXIS', 0);
  if (naxis === 0) return 0;
  const bitpix = header.num('BITPIX');
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) throw new Error(`HDU ${hduIndex}: BITPIX = ${header.get('BITPIX')} is not a FITS value`);
  let n = 1;
  for (let i = 1; i <= naxis; i += 1) {
    const len = header.num(`NAXIS${i}`);
    if (!Number.isInteger(len) || len < 0) throw new Error(`HDU ${hduIndex}: NAXIS${i} = ${header.get(`NAXIS${i}`)} is not a length`);
    n *= len;
  }
  return Math.abs(bitpix) / 8 * header.num('GCOUNT', 1) * (header.num('PCOUNT', 0) + n);
}

/** Every HDU of a FITS file: [{index, header, data: DataView over its data bytes}]. */
export function parseFits(buffer) {
  const bytes = new Uint8Array(buffer);
  if (new TextDecoder('ascii').decode(bytes.subarray(0, 9)) !== 'SIMPLE  =') throw new Error('not a FITS file (no SIMPLE card)');
  const hdus = [];
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const index = hdus.length;
    const { header, dataStart } = parseHeader(bytes, offset, index);
    const size = dataBytes(header, index);
    if (dataStart + size > bytes.length) throw new Error(`HDU ${index}: ${size} data bytes announced, ${bytes.length - dataStart} present (file cut short?)`);
    hdus.push({ index, header, data: new DataView(buffer, dataStart, size) });
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (!hdus.length) throw new Error('FITS file shorter than one header block');
  return hdus;
}

/** Reads element `i` of a big-endian array of `bitpix` values. */
function reader(view, bitpix) {
  switch (bitpix) {
    case 8: return (i) => view.getUint8(i);
    case 16: return (i) => view.getInt16(2 * i);
    case 32: return (i) => view.getInt32(4 * i);
    case 64: return (i) => Number(view.getBigInt64(8 * i));
    case -32: return (i) => view.getFloat32(4 * i);
    default: return (i) => view.getFloat64(8 * i);
  }
}

/**
 * The array of a primary or IMAGE HDU as doubles: {shape (NAXIS1 first), data (first axis
 * fastest), header}. Physical value = BZERO + BSCALE * stored (FITS Standard 4.0, eq. 3);
 * integer BLANK and float NaN become NaN.
 */
export function readImage(hdu) {
  const { header } = hdu;
  const naxis = header.num('NAXIS', 0);
  const shape = Array.from({ length: naxis }, (_, i) => header.num(`NAXIS${i + 1}`));
  const n = shape.reduce((a, b) => a * b, naxis ? 1 : 0);
  const bitpix = header.num('BITPIX');
  const get = reader(hdu.data, bitpix);
  const scale = header.num('BSCALE', 1);
  const zero = header.num('BZERO', 0);
  const blank = bitpix > 0 ? header.num('BLANK') : undefined;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = get(i);
    data[i] = v === blank ? NaN : zero + scale * v;
  }
  return { shape, data, header };
}

/**
 * World coordinate of 0-based pixel `i` on image axis `k` (1-based): the linear transform
 * CRVAL + CDELT (p - CRPIX) with 1-based p (Greisen & Calabretta 2002, A&A 395, 1061, eq. 1-3,
 * without rotation). CDk_k stands for CDELTk when CDELTk is absent.
 */
export function axisWorld(header, k) {
  const crval = header.num(`CRVAL${k}`, 0);
  const cdelt = header.num(`CDELT${k}`, header.num(`CD${k}_${k}`, 1));
  const crpix = header.num(`CRPIX${k}`, 0);
  return (i) => crval + cdelt * (i + 1 - crpix);
}

/** Bytes per element and reader of a BINTABLE type code (FITS Standard 4.0, Table 18). */
const TYPES = {
  L: [1, (v, o) => (v.getUint8(o) === 84 ? 1 : v.getUint8(o) === 70 ? 0 : NaN)],
  B: [1, (v, o) => v.getUint8(o)],
  I: [2, (v, o) => v.getInt16(o)],
  J: [4, (v, o) => v.getInt32(o)],
  K: [8, (v, o) => Number(v.getBigInt64(o))],
  E: [4, (v, o) => v.getFloat32(o)],
  D: [8, (v, o) => v.getFloat64(o)],
  A: [1, null],
  X: [0, null],
  C: [8, null],
  M: [16, null],
  P: [8, null],
  Q: [16, null],
};

/**
 * The columns of a BINTABLE HDU: {name, unit, columns: [{name, unit, values}]}, where numeric
 * columns hold numbers (TZERO + TSCAL * stored, TNULL -> NaN) and `A` columns strings. A
 * column with a repeat count > 1 in a one-row table (a spectrum stored as one vector row) is
 * unrolled into its elements; in longer tables only its first element is kept.
 */
export function readBintable(hdu) {
  const { header, data } = hdu;
  const where = `HDU ${hdu.index} (${header.str('EXTNAME', 'BINTABLE')})`;
  const rowBytes = header.num('NAXIS1', 0);
  const nRows = header.num('NAXIS2', 0);
  const nCols = header.num('TFIELDS', 0);
  const columns = [];
  let offset = 0;
  for (let c = 1; c <= nCols; c += 1) {
    const form = header.str(`TFORM${c}`, '');
    const m = /^\s*(\d*)([LXBIJKAEDCMPQ])/.exec(form);
    if (!m) throw new Error(`${where}: TFORM${c} = '${form}' is not a BINTABLE format`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const [width, get] = TYPES[m[2]];
    const bytes = m[2] === 'X' ? Math.ceil(repeat / 8) : width * repeat;
    const col = { name: header.str(`TTYPE${c}`, `col${c}`).trim(), unit: header.str(`TUNIT${c}`, '').trim(), start: offset, repeat, code: m[2], get };
    col.scale = header.num(`TSCAL${c}`, 1);
    col.zero = header.num(`TZERO${c}`, 0);
    col.null = header.num(`TNULL${c}`);
    columns.push(col);
    offset += bytes;
  }
  if (offset !== rowBytes) throw new Error(`${where}: the TFORMs add up to ${offset} bytes a row, NAXIS1 = ${rowBytes}`);
  const ascii = new TextDecoder('ascii');
  const out = [];
  const unroll = nRows === 1;
  for (const col of columns) {
    if (col.code === 'A') {
      const values = [];
      for (let r = 0; r < nRows; r += 1) {
        const raw = new Uint8Array(data.buffer, data.byteOffset + r * rowBytes + col.start, col.repeat);
        values.push(ascii.decode(raw).replace(/\0.*$/s, '').trimEnd());
      }
      out.push({ name: col.name, unit: col.unit, values });
    } else if (col.get && col.repeat > 0) {
      const [width] = TYPES[col.code];
      const n = unroll ? col.repeat : 1;
      const values = [];
      for (let r = 0; r < nRows; r += 1) {
        for (let e = 0; e < n; e += 1) {
          const v = col.get(data, r * rowBytes + col.start + e * width);
          values.push(v === col.null ? NaN : col.zero + col.scale * v);
        }
      }
      out.push({ name: col.name, unit: col.unit, values });
    }
  }
  return { name: header.str('EXTNAME', ''), header, columns: out };
}
