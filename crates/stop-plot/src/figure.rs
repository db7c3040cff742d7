//! What to draw: a titled figure with labelled axes and one or more series.

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// Straight segments between points.
    Line,
    /// Histogram-like steps centred on the points (spectra with channels).
    Steps,
    /// Markers, with vertical error bars when the series has errors.
    Markers,
}

/// One data series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Abscissae.
    pub x: Vec<f64>,
    /// Ordinates.
    pub y: Vec<f64>,
    /// Optional 1σ errors of `y` (drawn for [`SeriesKind::Markers`]).
    pub y_err: Option<Vec<f64>>,
    /// Drawing style.
    pub kind: SeriesKind,
}

impl Series {
    /// A series without errors.
    #[must_use]
    pub fn new(label: &str, x: Vec<f64>, y: Vec<f64>, kind: SeriesKind) -> Self {
        Self { label: label.to_owned(), x, y, y_err: None, kind }
    }

    /// Attach 1σ errors of y.
    #[must_use]
    pub fn with_errors(mut self, y_err: Vec<f64>) -> Self {
        self.y_err = Some(y_err);
        self
    }
}

/// A figure: title, axis labels, series.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Title drawn above the plot.
    pub title: String,
    /// x-axis label (with unit).
    pub x_label: String,
    /// y-axis label (with unit).
    pub y_label: String,
    /// Series in drawing order.
    pub series: Vec<Series>,
    /// Size in pixels (width, height).
    pub size_px: (u32, u32),
}

impl Figure {
    /// An empty 1000×600 figure.
    #[must_use]
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        Self { title: title.to_owned(), x_label: x_label.to_owned(), y_label: y_label.to_owned(), series: Vec::new(), size_px: (1000, 600) }
    }

    /// Add a series.
    #[must_use]
    pub fn with(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// Finite data bounds (x_min, x_max, y_min, y_max), error bars included.
    pub(crate) fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let mut b = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for s in &self.series {
            for (i, (&x, &y)) in s.x.iter().zip(&s.y).enumerate() {
                if !(x.is_finite() && y.is_finite()) {
                    continue;
                }
                let err = s.y_err.as_ref().and_then(|e| e.get(i)).copied().filter(|e| e.is_finite()).unwrap_or(0.0).abs();
                b = (b.0.min(x), b.1.max(x), b.2.min(y - err), b.3.max(y + err));
            }
        }
        b.0.is_finite().then_some(b)
    }
}
