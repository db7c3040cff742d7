//! Rendering with plotters: the backend is chosen by the file extension.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::PlotError;
use crate::figure::{Figure, SeriesKind};

/// DejaVu Sans (Debian fonts-dejavu-core 2.37, licence in `fonts/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Series colours, in order (colour-blind-safe Okabe–Ito palette).
const COLOURS: [RGBColor; 6] =
    [RGBColor(0, 114, 178), RGBColor(213, 94, 0), RGBColor(0, 158, 115), RGBColor(204, 121, 167), RGBColor(230, 159, 0), RGBColor(86, 180, 233)];

/// Register the bundled font once (`dependencies.md` §7: ab_glyph needs it, SVG too).
pub(crate) fn register_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).map_err(|_| "bundled font is invalid".to_owned()))
        .clone()
}

/// Draw a figure into `path`: PNG for `.png`, SVG for `.svg` (case-insensitive).
///
/// # Errors
/// [`PlotError::UnknownFormat`], [`PlotError::Shape`], [`PlotError::NoData`],
/// [`PlotError::Backend`] (e.g. the directory does not exist).
pub fn plot_spectrum(path: impl AsRef<Path>, figure: &Figure) -> Result<(), PlotError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    for s in &figure.series {
        let n_err = s.y_err.as_ref().map_or(s.y.len(), Vec::len);
        if s.x.len() != s.y.len() || n_err != s.y.len() {
            return Err(PlotError::Shape { path: shown, series: s.label.clone(), n_x: s.x.len(), n_y: s.y.len(), n_err });
        }
    }
    let backend_error = |reason: String| PlotError::Backend { path: shown.clone(), reason };
    register_font().map_err(backend_error)?;
    let bounds = figure.bounds().ok_or_else(|| PlotError::NoData { path: shown.clone() })?;
    match extension.as_str() {
        "svg" => draw(SVGBackend::new(path, figure.size_px).into_drawing_area(), figure, bounds),
        "png" => draw(BitMapBackend::new(path, figure.size_px).into_drawing_area(), figure, bounds),
        _ => return Err(PlotError::UnknownFormat { path: shown, extension }),
    }
    .map_err(backend_error)
}

/// Widen a degenerate or tight range by 5 % on each side.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    (lo - 0.05 * span, hi + 0.05 * span)
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, figure: &Figure, bounds: (f64, f64, f64, f64)) -> Result<(), String> {
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (x0, x1) = padded(bounds.0, bounds.1);
    let (y0, y1) = padded(bounds.2, bounds.3);
    let mut chart = ChartBuilder::on(&root)
        .caption(&figure.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(75)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    chart.configure_mesh().x_desc(&figure.x_label).y_desc(&figure.y_label).label_style(("sans-serif", 14)).draw().map_err(e)?;
    for (i_series, s) in figure.series.iter().enumerate() {
        let colour = COLOURS[i_series % COLOURS.len()];
        let points: Vec<(f64, f64)> = s.x.iter().zip(&s.y).map(|(&x, &y)| (x, y)).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
        let legend = move |(x, y): (i32, i32)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2));
        match s.kind {
            SeriesKind::Line => chart.draw_series(LineSeries::new(points, colour.stroke_width(2))).map_err(e)?.label(&s.label).legend(legend),
            SeriesKind::Steps => chart.draw_series(LineSeries::new(steps(&points), colour.stroke_width(2))).map_err(e)?.label(&s.label).legend(legend),
            SeriesKind::Markers => {
                if let Some(errors) = &s.y_err {
                    let bars = s.x.iter().zip(&s.y).zip(errors).filter(|((x, y), err)| x.is_finite() && y.is_finite() && err.is_finite());
                    chart
                        .draw_series(bars.map(|((&x, &y), &err)| PathElement::new(vec![(x, y - err.abs()), (x, y + err.abs())], colour.stroke_width(1))))
                        .map_err(e)?;
                }
                chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled()))).map_err(e)?.label(&s.label).legend(legend)
            }
        };
    }
    chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).label_font(("sans-serif", 14)).draw().map_err(e)?;
    root.present().map_err(e)
}

/// Step outline through channel centres: each point holds its value half-way to its
/// neighbours.
fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(2 * points.len());
    for (i, &(x, y)) in points.iter().enumerate() {
        let left = if i == 0 { x } else { 0.5 * (points[i - 1].0 + x) };
        let right = if i + 1 == points.len() { x } else { 0.5 * (x + points[i + 1].0) };
        out.push((left, y));
        out.push((right, y));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Series;

    #[test]
    fn steps_hold_values_between_midpoints() {
        let s = steps(&[(0.0, 1.0), (2.0, 3.0)]);
        assert_eq!(s, [(0.0, 1.0), (1.0, 1.0), (1.0, 3.0), (2.0, 3.0)]);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fig = Figure::new("t", "x", "y").with(Series::new("a", vec![1.0, 2.0], vec![1.0], SeriesKind::Line));
        let err = plot_spectrum(dir.path().join("a.png"), &fig).expect_err("shape");
        assert!(matches!(err, PlotError::Shape { n_x: 2, n_y: 1, .. }), "{err}");
        let fig = Figure::new("t", "x", "y").with(Series::new("a", vec![1.0], vec![1.0], SeriesKind::Line));
        let err = plot_spectrum(dir.path().join("a.pdf"), &fig).expect_err("format");
        assert!(err.to_string().contains("a.pdf") && err.to_string().contains("`pdf`"), "{err}");
        let empty = Figure::new("t", "x", "y").with(Series::new("nan", vec![f64::NAN], vec![1.0], SeriesKind::Line));
        assert!(matches!(plot_spectrum(dir.path().join("a.svg"), &empty), Err(PlotError::NoData { .. })));
        let err = plot_spectrum(dir.path().join("missing/dir/a.png"), &fig).expect_err("no dir");
        assert!(matches!(err, PlotError::Backend { .. }), "{err}");
    }

    #[test]
    fn svg_has_text_and_markers_with_error_bars() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fig = Figure::new("rotation diagram", "E_u [K]", "ln(N_u/g_u)")
            .with(Series::new("data", vec![5.0, 16.0, 33.0], vec![30.0, 29.5, 28.7], SeriesKind::Markers).with_errors(vec![0.1, 0.1, 0.2]))
            .with(Series::new("fit", vec![5.0, 33.0], vec![30.0, 28.7], SeriesKind::Line));
        let path = dir.path().join("rd.svg");
        plot_spectrum(&path, &fig).expect("svg");
        let svg = std::fs::read_to_string(&path).expect("read");
        assert!(svg.contains("rotation diagram") && svg.contains("E_u [K]"), "labels drawn as text");
        assert!(svg.matches("<circle").count() >= 3, "three markers");
    }
}
