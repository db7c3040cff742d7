// A parsed table as a VOTable 1.4 document (TABLEDATA), written in the browser so any tabular
// result can be saved for TOPCAT, CASSIS or Aladin. Units come from STOP's column names
// (`freq_GHz`, `t_r_K`, `flux_K_kms`), which carry them by convention.

import { numericColumns } from './table.js';

const UNIT_SUFFIXES = [
  [/_K_kms$/i, 'K.km/s'], [/_erg_cm2_s$/i, 'erg/cm2/s'], [/_GHz$/i, 'GHz'], [/_MHz$/i, 'MHz'], [/_Hz$/i, 'Hz'],
  [/_km_?s$/i, 'km/s'], [/_cm2$/i, 'cm-2'], [/_cm3$/i, 'cm-3'], [/_s$/i, 's-1'], [/_K$/i, 'K'], [/_Jy$/i, 'Jy'],
];

const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The unit a STOP column name states, or null. */
export function unitOf(name) {
  if (/^a_ul_s$/i.test(name)) return 's-1';
  const hit = UNIT_SUFFIXES.find(([re]) => re.test(name));
  return hit ? hit[1] : null;
}

/** VOTable text of `table` named `name`. */
export function toVotable(table, name) {
  const numeric = new Set(numericColumns(table));
  const integer = new Set([...numeric].filter((i) => table.rows.every((r) => /^-?\d+$/.test(r[i]))));
  const fields = table.columns.map((c, i) => {
    const type = integer.has(i) ? 'datatype="long"' : numeric.has(i) ? 'datatype="double"' : 'datatype="char" arraysize="*"';
    const unit = unitOf(c);
    return `      <FIELD name="${esc(c)}" ${type}${unit ? ` unit="${esc(unit)}"` : ''}/>`;
  });
  const rows = table.rows.map((r) => `          <TR>${table.columns.map((_, i) => `<TD>${esc(r[i] ?? '')}</TD>`).join('')}</TR>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
  <RESOURCE type="results">
    <TABLE name="${esc(name)}">
${fields.join('\n')}
      <DATA>
        <TABLEDATA>
${rows.join('\n')}
        </TABLEDATA>
      </DATA>
    </TABLE>
  </RESOURCE>
</VOTABLE>
`;
}
