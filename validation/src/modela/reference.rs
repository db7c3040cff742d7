//! LIME 1.9.5's model-A reference files (`../shared/reference/lime/README.md`): the
//! per-point populations `pops.tsv.gz` of each run and the radial profiles
//! `pops_binned_3seeds.tsv`.

use flate2::read::MultiGzDecoder;
use std::io::Read as _;
use std::path::Path;

/// Columns of `pops.tsv.gz` before the populations: `id x_m y_m z_m r_m n_dens_m3 tkin_k
/// abundance conv_flag`.
const POPS_LEADING_COLUMNS: usize = 9;

/// Column of the radius `r_m` in `pops.tsv.gz` (after `id` and the position `x_m y_m z_m`).
const POPS_R_COLUMN: usize = 4;

/// Columns of `pops_binned_3seeds.tsv` before the levels: `r_lo_m r_hi_m r_mid_m n_points`.
const BINNED_LEADING_COLUMNS: usize = 4;

/// Levels tabulated in `pops_binned_3seeds.tsv` (0–7).
pub const BINNED_LEVELS: usize = 8;

/// One LIME run's populations per interior grid point, in LIME's grid order.
#[derive(Debug, Clone, PartialEq)]
pub struct LimePops {
    /// Grid point index (`id`), equal to the row of the run's `GRID` table.
    pub ids: Vec<usize>,
    /// Position, m (`x_m`, `y_m`, `z_m`).
    pub positions_m: Vec<[f64; 3]>,
    /// Distance from the centre, m (`r_m`).
    pub r_m: Vec<f64>,
    /// Levels per point.
    pub n_levels: usize,
    /// Fractional populations, `[row * n_levels + level]`.
    pub pops: Vec<f64>,
}

impl LimePops {
    /// Rows (interior points).
    #[must_use]
    pub fn n_points(&self) -> usize {
        self.r_m.len()
    }

    /// The populations of row `row`.
    #[must_use]
    pub fn point(&self, row: usize) -> &[f64] {
        &self.pops[row * self.n_levels..(row + 1) * self.n_levels]
    }
}

/// LIME's radial profiles: 20 logarithmic radius bins, levels 0–7, the mean over seeds 1–3,
/// the seed-to-seed standard deviation and the within-bin standard deviation.
#[derive(Debug, Clone, PartialEq)]
pub struct BinnedProfiles {
    /// Inner bin edges, m (`r_lo_m`).
    pub r_lo_m: Vec<f64>,
    /// Outer bin edges, m (`r_hi_m`).
    pub r_hi_m: Vec<f64>,
    /// Bin centres, m (`r_mid_m`).
    pub r_mid_m: Vec<f64>,
    /// Interior points of seed 1 in each bin.
    pub n_points_seed1: Vec<usize>,
    /// Mean over the 3 seeds of the bin-mean population, `[bin][level]`.
    pub mean: Vec<[f64; BINNED_LEVELS]>,
    /// Sample standard deviation over the 3 seeds of the bin mean, `[bin][level]`.
    pub seed_std: Vec<[f64; BINNED_LEVELS]>,
    /// Standard deviation of the points within the bin (mean over seeds), `[bin][level]`.
    pub bin_std: Vec<[f64; BINNED_LEVELS]>,
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let raw = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return String::from_utf8(raw)
            .map_err(|e| anyhow::anyhow!("{}: not UTF-8: {e}", path.display()));
    }
    let mut text = String::new();
    MultiGzDecoder::new(raw.as_slice())
        .read_to_string(&mut text)
        .map_err(|e| anyhow::anyhow!("{}: gzip: {e}", path.display()))?;
    Ok(text)
}

/// Parses one whitespace-separated row of numbers, naming the file, line and column of a
/// bad field.
fn parse_row(path: &Path, i_line: usize, line: &str, header: &[&str]) -> anyhow::Result<Vec<f64>> {
    let values: Vec<f64> = line
        .split('\t')
        .enumerate()
        .map(|(i_col, field)| {
            field.trim().parse::<f64>().map_err(|_| {
                let name = header.get(i_col).copied().unwrap_or("?");
                anyhow::anyhow!(
                    "{}: line {}: column `{name}`: `{field}` is not a number",
                    path.display(),
                    i_line + 1
                )
            })
        })
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(
        values.len() == header.len(),
        "{}: line {}: {} fields, the header has {}",
        path.display(),
        i_line + 1,
        values.len(),
        header.len()
    );
    Ok(values)
}

/// Reads a LIME `pops.tsv[.gz]` (one header line, then one row per interior point).
///
/// # Errors
/// I/O or gzip errors; a header without `pop_0`; a short row or a non-number (with its
/// line and column).
pub fn read_lime_pops(path: &Path) -> anyhow::Result<LimePops> {
    let text = read_text(path)?;
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split('\t').map(str::trim).collect())
        .unwrap_or_default();
    anyhow::ensure!(
        header.get(1) == Some(&"x_m")
            && header.get(POPS_R_COLUMN) == Some(&"r_m")
            && header.get(POPS_LEADING_COLUMNS) == Some(&"pop_0"),
        "{}: line 1: expected the header `id x_m y_m z_m r_m … conv_flag pop_0 …`",
        path.display()
    );
    let n_levels = header.len() - POPS_LEADING_COLUMNS;
    let mut out = LimePops {
        ids: Vec::new(),
        positions_m: Vec::new(),
        r_m: Vec::new(),
        n_levels,
        pops: Vec::new(),
    };
    for (i_line, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        let v = parse_row(path, i_line, line, &header)?;
        let id = v[0];
        anyhow::ensure!(
            id >= 0.0 && id.fract() == 0.0,
            "{}: line {}: column `id`: `{id}` is not an index",
            path.display(),
            i_line + 1
        );
        out.ids.push(id as usize);
        out.positions_m.push([v[1], v[2], v[3]]);
        out.r_m.push(v[POPS_R_COLUMN]);
        out.pops.extend_from_slice(&v[POPS_LEADING_COLUMNS..]);
    }
    Ok(out)
}

/// Reads `pops_binned_3seeds.tsv` (`#` comments, one header line, 20 rows).
///
/// # Errors
/// I/O errors; a header that does not list `r_lo_m r_hi_m r_mid_m n_points` and three
/// columns for each of levels 0–7; a short row or a non-number (with its line and column).
pub fn read_binned(path: &Path) -> anyhow::Result<BinnedProfiles> {
    let text = read_text(path)?;
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = rows
        .next()
        .map(|(_, l)| l.split('\t').map(str::trim).collect())
        .unwrap_or_default();
    let expected_columns = BINNED_LEADING_COLUMNS + 3 * BINNED_LEVELS;
    anyhow::ensure!(
        header.len() == expected_columns
            && header[0] == "r_lo_m"
            && header[BINNED_LEADING_COLUMNS] == "pop0_mean",
        "{}: header: expected `r_lo_m r_hi_m r_mid_m n_points pop0_mean pop0_seedstd pop0_binstd …` ({expected_columns} columns)",
        path.display()
    );
    let mut out = BinnedProfiles {
        r_lo_m: Vec::new(),
        r_hi_m: Vec::new(),
        r_mid_m: Vec::new(),
        n_points_seed1: Vec::new(),
        mean: Vec::new(),
        seed_std: Vec::new(),
        bin_std: Vec::new(),
    };
    for (i_line, line) in rows {
        let v = parse_row(path, i_line, line, &header)?;
        out.r_lo_m.push(v[0]);
        out.r_hi_m.push(v[1]);
        out.r_mid_m.push(v[2]);
        out.n_points_seed1.push(v[3] as usize);
        let level = |offset: usize| -> [f64; BINNED_LEVELS] {
            std::array::from_fn(|l| v[BINNED_LEADING_COLUMNS + 3 * l + offset])
        };
        out.mean.push(level(0));
        out.seed_std.push(level(1));
        out.bin_std.push(level(2));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_field_is_named_with_line_and_column() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("stop-modela-ref-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("pops.tsv");
        let header =
            "id\tx_m\ty_m\tz_m\tr_m\tn_dens_m3\ttkin_k\tabundance\tconv_flag\tpop_0\tpop_1\n";
        std::fs::write(
            &path,
            format!("{header}0\t1\t2\t3\t4\t5\t6\t7\t2\t0.5\tx\n"),
        )?;
        let err = read_lime_pops(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("line 2") && err.contains("`pop_1`") && err.contains("`x`"),
            "{err}"
        );
        std::fs::write(
            &path,
            format!("{header}0\t1\t2\t3\t4\t5\t6\t7\t2\t0.5\t0.5\n"),
        )?;
        let pops = read_lime_pops(&path)?;
        assert_eq!(
            (pops.n_points(), pops.n_levels, pops.point(0)),
            (1, 2, &[0.5, 0.5][..])
        );
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
