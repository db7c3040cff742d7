//! Raster maps (moment maps, channel maps) with a colour bar, PNG or SVG by extension.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::draw::register_font;
use crate::error::PlotError;

/// How values become colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapScale {
    /// Dark blue (lowest) → teal → yellow (highest): intensities, moment 0.
    Sequential,
    /// Blue (negative) → white (zero) → red (positive), symmetric about zero: velocities,
    /// moment 1.
    Diverging,
}

/// A map of `n_x × n_y` cells, `values[j · n_x + i]` (cell `i` along x, `j` along y); NaN
/// cells are left blank (light grey).
#[derive(Debug, Clone, PartialEq)]
pub struct MapFigure {
    /// Title above the map.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Colour-bar label (quantity and unit).
    pub value_label: String,
    /// Cells along x.
    pub n_x: usize,
    /// Cells along y.
    pub n_y: usize,
    /// The values.
    pub values: Vec<f64>,
    /// Axis value at the outer edge of the first and of the last cell along x; the first may
    /// be the larger (e.g. right ascension growing to the left, east on the left).
    pub x_edges: (f64, f64),
    /// As `x_edges`, along y.
    pub y_edges: (f64, f64),
    /// Colours.
    pub scale: MapScale,
    /// Image size in pixels (width, height).
    pub size_px: (u32, u32),
}

/// Colour of blank (NaN) cells.
const BLANK: RGBColor = RGBColor(225, 225, 225);

/// Anchors of [`MapScale::Sequential`], evenly spaced from 0 to 1.
const SEQUENTIAL: [(u8, u8, u8); 5] = [(20, 15, 80), (40, 80, 150), (30, 150, 140), (120, 200, 80), (250, 230, 40)];
/// Anchors of [`MapScale::Diverging`], evenly spaced from 0 (most negative) to 1.
const DIVERGING: [(u8, u8, u8); 5] = [(30, 60, 160), (140, 180, 230), (250, 250, 250), (240, 150, 120), (170, 20, 30)];

/// The colour at `t` ∈ [0, 1] (clamped), linear between the anchors.
fn colour_at(scale: MapScale, t: f64) -> RGBColor {
    let anchors = match scale {
        MapScale::Sequential => &SEQUENTIAL,
        MapScale::Diverging => &DIVERGING,
    };
    let x = t.clamp(0.0, 1.0) * (anchors.len() - 1) as f64;
    let i = (x.floor() as usize).min(anchors.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (anchors[i], anchors[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl MapFigure {
    /// The value range the colours span: (min, max) of the finite values, or ±max|v| for
    /// [`MapScale::Diverging`]; `None` when no value is finite.
    #[must_use]
    pub fn value_range(&self) -> Option<(f64, f64)> {
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if lo > hi {
            return None;
        }
        Some(match self.scale {
            MapScale::Sequential => (lo, hi),
            MapScale::Diverging => {
                let m = lo.abs().max(hi.abs());
                (-m, m)
            }
        })
    }

    /// The colour of a value for the range `(lo, hi)`.
    #[must_use]
    pub fn colour_of(&self, value: f64, (lo, hi): (f64, f64)) -> (u8, u8, u8) {
        if !value.is_finite() {
            return (BLANK.0, BLANK.1, BLANK.2);
        }
        let t = if hi > lo { (value - lo) / (hi - lo) } else { 0.5 };
        let c = colour_at(self.scale, t);
        (c.0, c.1, c.2)
    }
}

/// Draws a map into `path`: PNG for `.png`, SVG for `.svg` (case-insensitive).
///
/// # Errors
/// [`PlotError::MapShape`] when `values` does not hold `n_x × n_y` cells,
/// [`PlotError::UnknownFormat`], [`PlotError::NoData`] (no finite value),
/// [`PlotError::Backend`].
pub fn plot_map(path: impl AsRef<Path>, map: &MapFigure) -> Result<(), PlotError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if map.values.len() != map.n_x * map.n_y || map.n_x == 0 || map.n_y == 0 {
        return Err(PlotError::MapShape { path: shown, n_values: map.values.len(), n_x: map.n_x, n_y: map.n_y });
    }
    let range = map.value_range().ok_or_else(|| PlotError::NoData { path: shown.clone() })?;
    let backend_error = |reason: String| PlotError::Backend { path: shown.clone(), reason };
    register_font().map_err(backend_error)?;
    match extension.as_str() {
        "svg" => draw(SVGBackend::new(path, map.size_px).into_drawing_area(), map, range),
        "png" => draw(BitMapBackend::new(path, map.size_px).into_drawing_area(), map, range),
        _ => return Err(PlotError::UnknownFormat { path: shown, extension }),
    }
    .map_err(backend_error)
}

/// Width of the colour-bar panel, pixels.
const BAR_PANEL_PX: u32 = 130;

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, map: &MapFigure, range: (f64, f64)) -> Result<(), String> {
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    root.fill(&WHITE).map_err(e)?;
    let root = root.titled(&map.title, ("sans-serif", 22)).map_err(e)?;
    let (width, _) = root.dim_in_pixel();
    let (left, right) = root.split_horizontally(width.saturating_sub(BAR_PANEL_PX));
    // plotters' axes increase to the right and upwards: a decreasing axis is drawn negated
    // and labelled with the negated coordinate
    let flip = |(a, b): (f64, f64)| if a > b { (-1.0, -a, -b) } else { (1.0, a, b) };
    let (sx, x0, x1) = flip(map.x_edges);
    let (sy, y0, y1) = flip(map.y_edges);
    let mut chart = ChartBuilder::on(&left).margin(12).x_label_area_size(45).y_label_area_size(60).build_cartesian_2d(x0..x1, y0..y1).map_err(e)?;
    // `+ 0.0` turns −0 into 0
    let x_fmt = move |v: &f64| format!("{:.3}", sx * v + 0.0).trim_end_matches('0').trim_end_matches('.').to_owned();
    let y_fmt = move |v: &f64| format!("{:.3}", sy * v + 0.0).trim_end_matches('0').trim_end_matches('.').to_owned();
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(&map.x_label)
        .y_desc(&map.y_label)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    let (dx, dy) = ((map.x_edges.1 - map.x_edges.0) / map.n_x as f64, (map.y_edges.1 - map.y_edges.0) / map.n_y as f64);
    let cells = (0..map.n_y).flat_map(|j| (0..map.n_x).map(move |i| (i, j))).map(|(i, j)| {
        let (xa, xb) = (sx * (map.x_edges.0 + i as f64 * dx), sx * (map.x_edges.0 + (i + 1) as f64 * dx));
        let (ya, yb) = (sy * (map.y_edges.0 + j as f64 * dy), sy * (map.y_edges.0 + (j + 1) as f64 * dy));
        let (r, g, b) = map.colour_of(map.values[j * map.n_x + i], range);
        Rectangle::new([(xa, ya), (xb, yb)], RGBColor(r, g, b).filled())
    });
    chart.draw_series(cells).map_err(e)?;
    chart.configure_mesh().disable_mesh().disable_x_axis().disable_y_axis().draw().map_err(e)?;
    colour_bar(&right, map, range)?;
    root.present().map_err(e)
}

/// Steps of the colour bar.
const BAR_STEPS: usize = 128;

fn colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, map: &MapFigure, (lo, hi): (f64, f64)) -> Result<(), String> {
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let mut bar = ChartBuilder::on(area).margin_top(12).margin_bottom(57).margin_right(10).y_label_area_size(75).build_cartesian_2d(0.0..1.0, lo..hi).map_err(e)?;
    bar.configure_mesh().disable_mesh().disable_x_axis().y_desc(&map.value_label).label_style(("sans-serif", 13)).draw().map_err(e)?;
    let step = (hi - lo) / BAR_STEPS as f64;
    bar.draw_series((0..BAR_STEPS).map(|k| {
        let v = lo + (k as f64 + 0.5) * step;
        let (r, g, b) = map.colour_of(v, (lo, hi));
        Rectangle::new([(0.0, lo + k as f64 * step), (1.0, lo + (k + 1) as f64 * step)], RGBColor(r, g, b).filled())
    }))
    .map_err(e)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(values: Vec<f64>, scale: MapScale) -> MapFigure {
        MapFigure {
            title: "moment 0".into(),
            x_label: "ΔRA (arcsec)".into(),
            y_label: "ΔDec (arcsec)".into(),
            value_label: "K km/s".into(),
            n_x: 3,
            n_y: 2,
            values,
            x_edges: (0.3, -0.3),
            y_edges: (-0.2, 0.2),
            scale,
            size_px: (500, 400),
        }
    }

    #[test]
    fn colours_follow_the_scale_and_blank_nan() {
        let map = figure(vec![1.0, 2.0, 3.0, f64::NAN, 5.0, 9.0], MapScale::Sequential);
        let range = map.value_range().expect("finite values");
        assert_eq!(range, (1.0, 9.0));
        assert_eq!(map.colour_of(1.0, range), SEQUENTIAL[0]);
        assert_eq!(map.colour_of(9.0, range), SEQUENTIAL[4]);
        assert_eq!(map.colour_of(5.0, range), SEQUENTIAL[2]);
        assert_eq!(map.colour_of(f64::NAN, range), (BLANK.0, BLANK.1, BLANK.2));
        let velocities = figure(vec![-1.0, 0.0, 2.0, 0.5, -0.5, 1.0], MapScale::Diverging);
        let range = velocities.value_range().expect("finite values");
        assert_eq!(range, (-2.0, 2.0));
        assert_eq!(velocities.colour_of(0.0, range), DIVERGING[2]);
    }

    #[test]
    fn png_and_svg_are_written_with_every_cell() {
        let dir = tempfile::tempdir().expect("tempdir");
        let map = figure(vec![1.0, 2.0, 3.0, f64::NAN, 5.0, 9.0], MapScale::Sequential);
        let png = dir.path().join("m.png");
        plot_map(&png, &map).expect("png");
        let bytes = std::fs::read(&png).expect("read png");
        // PNG signature, then the IHDR chunk: width and height, big-endian, at bytes 16..24
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!((u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]), u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]])), (500, 400));
        let svg_path = dir.path().join("m.svg");
        plot_map(&svg_path, &map).expect("svg");
        let svg = std::fs::read_to_string(&svg_path).expect("read svg");
        assert!(svg.contains("moment 0") && svg.contains("K km/s") && svg.contains("ΔRA (arcsec)"));
        // the six cells and the bar's steps, the highest value in the last anchor colour
        assert!(svg.matches("<rect").count() >= 6 + BAR_STEPS);
        let (r, g, b) = SEQUENTIAL[4];
        assert!(svg.to_ascii_uppercase().contains(&format!("#{r:02X}{g:02X}{b:02X}")));
    }

    #[test]
    fn bad_maps_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = plot_map(dir.path().join("m.png"), &figure(vec![1.0; 5], MapScale::Sequential)).expect_err("shape");
        assert!(matches!(err, PlotError::MapShape { n_values: 5, n_x: 3, n_y: 2, .. }), "{err}");
        let err = plot_map(dir.path().join("m.png"), &figure(vec![f64::NAN; 6], MapScale::Sequential)).expect_err("no data");
        assert!(matches!(err, PlotError::NoData { .. }), "{err}");
        let err = plot_map(dir.path().join("m.jpg"), &figure(vec![1.0; 6], MapScale::Sequential)).expect_err("format");
        assert!(err.to_string().contains("m.jpg"), "{err}");
    }
}
