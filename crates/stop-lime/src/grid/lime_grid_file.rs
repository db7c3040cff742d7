//! Reading LIME's grid file (`grid_5.fits[.gz]`, `../shared/reference/lime/README.md`) so
//! a solver can run on exactly LIME's points and Delaunay neighbours.
//!
//! Used here: the primary keywords `RADIUS`, `MINSCALE` (m); table `GRID` (columns `ID`,
//! `X1..X3` in m, `IS_SINK`, `NUMNEIGH`, `FIRST_NN`); table `NN_INDICES` (`LINK_I`); table
//! `LINKS` (`GRID_I_1`, `GRID_I_2`). The neighbours of point `i` are the other ends of the
//! links `LINK_I[FIRST_NN[i] .. FIRST_NN[i] + NUMNEIGH[i]]`. All indices are 0-based.

use crate::LimeError;
use crate::grid::delaunay::Neighbours;
use crate::grid::fits_table::FitsFile;
use flate2::read::MultiGzDecoder;
use std::io::Read;
use std::path::Path;

/// The geometry stored in a LIME grid file.
#[derive(Debug, Clone, PartialEq)]
pub struct LimeGridFile {
    /// Model radius `R` (m), keyword `RADIUS`.
    pub radius_m: f64,
    /// Minimum model scale (m), keyword `MINSCALE`.
    pub min_scale_m: f64,
    /// Point positions (m), in LIME's order (interior points first).
    pub positions_m: Vec<[f64; 3]>,
    /// LIME's sink flag per point.
    pub is_sink: Vec<bool>,
    /// LIME's Delaunay neighbours per point (sorted).
    pub neighbours: Neighbours,
}

/// Reads a LIME grid FITS file, gzip-compressed or not.
///
/// # Errors
/// [`LimeError::Io`] when the file cannot be read or decompressed; the `Fits*`
/// variants for a malformed file; [`LimeError::LimeGridInconsistent`] when the tables
/// contradict each other (IDs out of order, link indices out of range).
pub fn read_lime_grid(path: &Path) -> Result<LimeGridFile, LimeError> {
    let io_err = |source| LimeError::Io { path: path.to_path_buf(), source };
    let raw = std::fs::read(path).map_err(io_err)?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out).map_err(io_err)?;
        out
    } else {
        raw
    };
    parse_lime_grid(path, &bytes)
}

/// Parses the bytes of an uncompressed LIME grid FITS file; `path` only labels errors.
///
/// ```
/// use stop_lime::grid::lime_grid_file::parse_lime_grid;
/// let err = parse_lime_grid("x.fits".as_ref(), b"SIMPLE  =").err();
/// assert!(matches!(err, Some(stop_lime::LimeError::FitsTruncated { offset: 0, .. })));
/// ```
///
/// # Errors
/// As [`read_lime_grid`], without the I/O errors.
pub fn parse_lime_grid(path: &Path, bytes: &[u8]) -> Result<LimeGridFile, LimeError> {
    let fits = FitsFile::parse(path, bytes)?;
    let primary = fits.primary()?;
    let radius_m = primary.number(path, "RADIUS")?;
    let min_scale_m = primary.number(path, "MINSCALE")?;

    let grid = fits.table("GRID")?;
    let n_points = grid.n_rows();
    let ids = grid.index_column("ID")?;
    if let Some(point) = ids.iter().enumerate().position(|(row, &id)| row != id) {
        return Err(inconsistent(&fits, point, "ID differs from the row number"));
    }
    let [x, y, z] = [grid.f64_column("X1")?, grid.f64_column("X2")?, grid.f64_column("X3")?];
    let positions_m = (0..n_points).map(|i| [x[i], y[i], z[i]]).collect();
    let is_sink = grid.f64_column("IS_SINK")?.iter().map(|&s| s != 0.0).collect();
    let n_neigh = grid.index_column("NUMNEIGH")?;
    let first_nn = grid.index_column("FIRST_NN")?;

    let link_i = fits.table("NN_INDICES")?.index_column("LINK_I")?;
    let links = fits.table("LINKS")?;
    let ends = [links.index_column("GRID_I_1")?, links.index_column("GRID_I_2")?];

    let mut lists = Vec::with_capacity(n_points);
    for i in 0..n_points {
        let slots = link_i
            .get(first_nn[i]..first_nn[i] + n_neigh[i])
            .ok_or_else(|| inconsistent(&fits, i, "FIRST_NN + NUMNEIGH beyond NN_INDICES"))?;
        let mut list = Vec::with_capacity(slots.len());
        for &link in slots {
            let (a, b) = match (ends[0].get(link), ends[1].get(link)) {
                (Some(&a), Some(&b)) => (a, b),
                _ => return Err(inconsistent(&fits, i, "LINK_I beyond the LINKS table")),
            };
            let other = if a == i { b } else if b == i { a } else {
                return Err(inconsistent(&fits, i, "a listed link does not touch the point"));
            };
            if other >= n_points {
                return Err(inconsistent(&fits, i, "a link ends beyond the GRID table"));
            }
            list.push(other as u32);
        }
        lists.push(list);
    }
    Ok(LimeGridFile { radius_m, min_scale_m, positions_m, is_sink, neighbours: Neighbours::from_lists(lists) })
}

fn inconsistent(fits: &FitsFile<'_>, point: usize, problem: &'static str) -> LimeError {
    LimeError::LimeGridInconsistent { path: fits.path().to_path_buf(), point, problem }
}
