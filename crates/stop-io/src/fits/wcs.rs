//! World coordinates and the other image keywords STOP writes (Greisen & Calabretta 2002,
//! A&A 395, 1061, 2002A&A...395.1061G; spectral axes: Greisen et al. 2006, A&A 446, 747,
//! 2006A&A...446..747G).

use super::card::{Card, HeaderValue};
use super::header::Header;

/// One axis of a linear-per-axis WCS (`CTYPEi`, `CUNITi`, `CRVALi`, `CDELTi`, `CRPIXi`).
#[derive(Debug, Clone, PartialEq)]
pub struct WcsAxis {
    /// Axis type, e.g. `RA---SIN`, `DEC--SIN`, `VRAD`, `FREQ`.
    pub ctype: String,
    /// Unit of `crval` and `cdelt`, e.g. `deg`, `m/s`, `Hz`.
    pub cunit: String,
    /// World coordinate at the reference pixel.
    pub crval: f64,
    /// World step per pixel at the reference pixel.
    pub cdelt: f64,
    /// Reference pixel, 1-based (FITS convention: the first pixel's centre is 1.0).
    pub crpix: f64,
}

impl WcsAxis {
    /// Right ascension, orthographic (SIN) projection, in degrees.
    pub fn ra_sin_deg(crval_deg: f64, cdelt_deg: f64, crpix: f64) -> WcsAxis {
        WcsAxis::linear("RA---SIN", "deg", crval_deg, cdelt_deg, crpix)
    }

    /// Declination, orthographic (SIN) projection, in degrees.
    pub fn dec_sin_deg(crval_deg: f64, cdelt_deg: f64, crpix: f64) -> WcsAxis {
        WcsAxis::linear("DEC--SIN", "deg", crval_deg, cdelt_deg, crpix)
    }

    /// Radio velocity axis (`VRAD`) in m/s, as the WCS standard wants.
    pub fn vrad_m_s(crval_m_s: f64, cdelt_m_s: f64, crpix: f64) -> WcsAxis {
        WcsAxis::linear("VRAD", "m/s", crval_m_s, cdelt_m_s, crpix)
    }

    /// Frequency axis (`FREQ`) in Hz.
    pub fn freq_hz(crval_hz: f64, cdelt_hz: f64, crpix: f64) -> WcsAxis {
        WcsAxis::linear("FREQ", "Hz", crval_hz, cdelt_hz, crpix)
    }

    /// Any axis.
    pub fn linear(ctype: &str, cunit: &str, crval: f64, cdelt: f64, crpix: f64) -> WcsAxis {
        WcsAxis {
            ctype: ctype.to_owned(),
            cunit: cunit.to_owned(),
            crval,
            cdelt,
            crpix,
        }
    }

    /// World coordinate of a 1-based pixel on a linear axis: `crval + cdelt (p − crpix)`.
    /// (Celestial axes are not linear away from the reference point; use a WCS library.)
    ///
    /// ```
    /// let axis = stop_io::WcsAxis::freq_hz(115.0e9, 1.0e6, 1.0);
    /// assert_eq!(axis.linear_world(3.0), 115.002e9);
    /// ```
    pub fn linear_world(&self, pixel: f64) -> f64 {
        self.crval + self.cdelt * (pixel - self.crpix)
    }
}

/// Restoring beam (`BMAJ`, `BMIN`, `BPA`), all in degrees as FITS wants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beam {
    /// Major-axis FWHM in degrees.
    pub bmaj_deg: f64,
    /// Minor-axis FWHM in degrees.
    pub bmin_deg: f64,
    /// Position angle in degrees, east of north.
    pub bpa_deg: f64,
}

/// Everything in an image header besides the data layout: WCS, units, spectral keywords,
/// beam, object name, free keywords, history and comments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageMeta {
    /// One entry per data axis (NAXIS1 first), or empty for no WCS.
    pub wcs: Vec<WcsAxis>,
    /// `BUNIT`, e.g. `K` or `Jy/beam`.
    pub bunit: Option<String>,
    /// `RESTFRQ` in Hz (the reader also takes the older `RESTFREQ`).
    pub rest_freq_hz: Option<f64>,
    /// `SPECSYS`, e.g. `LSRK`.
    pub specsys: Option<String>,
    /// `RADESYS`, e.g. `ICRS`.
    pub radesys: Option<String>,
    /// `BMAJ`/`BMIN`/`BPA`.
    pub beam: Option<Beam>,
    /// `OBJECT`.
    pub object: Option<String>,
    /// Any other keyword cards, written after the ones above.
    pub extra: Vec<Card>,
    /// `HISTORY` lines (long lines are split over several cards and read back split).
    pub history: Vec<String>,
    /// `COMMENT` lines (same splitting rule).
    pub comments: Vec<String>,
}

/// Keywords that describe the data layout: the image writer produces them itself.
pub(crate) const STRUCTURAL: &[&str] = &[
    "SIMPLE", "BITPIX", "NAXIS", "EXTEND", "XTENSION", "PCOUNT", "GCOUNT", "BSCALE", "BZERO", "BLANK", "END",
];

pub(crate) fn is_axis_keyword(keyword: &str) -> bool {
    ["NAXIS", "CTYPE", "CUNIT", "CRVAL", "CDELT", "CRPIX"]
        .iter()
        .any(|prefix| {
            keyword
                .strip_prefix(prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

fn str_card(keyword: &str, value: &str) -> Card {
    Card::new(keyword, HeaderValue::Str(value.to_owned()))
}

fn float_card(keyword: &str, value: f64) -> Card {
    Card::new(keyword, HeaderValue::Float(value))
}

/// Splits commentary text into cards of at most 72 characters.
fn commentary_cards(keyword: &str, lines: &[String]) -> Vec<Card> {
    let mut cards = Vec::new();
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        let chunks: Vec<String> = if chars.is_empty() {
            vec![String::new()]
        } else {
            chars
                .chunks(super::card::COMMENTARY_LEN)
                .map(|c| c.iter().collect())
                .collect()
        };
        for chunk in chunks {
            cards.push(Card {
                keyword: keyword.to_owned(),
                value: HeaderValue::None,
                comment: chunk,
            });
        }
    }
    cards
}

impl ImageMeta {
    /// The header cards of this description (after the structural ones).
    pub(crate) fn cards(&self) -> Vec<Card> {
        let mut cards = Vec::new();
        if let Some(bunit) = &self.bunit {
            cards.push(str_card("BUNIT", bunit));
        }
        if let Some(object) = &self.object {
            cards.push(str_card("OBJECT", object));
        }
        for (i, axis) in self.wcs.iter().enumerate() {
            let n = i + 1;
            cards.push(str_card(&format!("CTYPE{n}"), &axis.ctype));
            cards.push(str_card(&format!("CUNIT{n}"), &axis.cunit));
            cards.push(float_card(&format!("CRVAL{n}"), axis.crval));
            cards.push(float_card(&format!("CDELT{n}"), axis.cdelt));
            cards.push(float_card(&format!("CRPIX{n}"), axis.crpix));
        }
        if let Some(radesys) = &self.radesys {
            cards.push(str_card("RADESYS", radesys));
        }
        if let Some(rest_freq_hz) = self.rest_freq_hz {
            cards.push(float_card("RESTFRQ", rest_freq_hz));
        }
        if let Some(specsys) = &self.specsys {
            cards.push(str_card("SPECSYS", specsys));
        }
        if let Some(beam) = self.beam {
            cards.push(float_card("BMAJ", beam.bmaj_deg));
            cards.push(float_card("BMIN", beam.bmin_deg));
            cards.push(float_card("BPA", beam.bpa_deg));
        }
        cards.extend(self.extra.iter().cloned());
        cards.extend(commentary_cards("COMMENT", &self.comments));
        cards.extend(commentary_cards("HISTORY", &self.history));
        cards
    }

    /// Reads the description back from a header of an image with `n_axes` axes. Axes without
    /// any WCS keyword get the FITS defaults (`CRVAL` 0, `CDELT` 1, `CRPIX` 0, empty type); if
    /// no axis has a `CTYPE`, `wcs` is empty.
    pub fn from_header(header: &Header, n_axes: usize) -> ImageMeta {
        let text = |k: &str| header.get_str(k).map(str::to_owned);
        let has_wcs = (1..=n_axes).any(|n| header.get(&format!("CTYPE{n}")).is_some());
        let wcs = if has_wcs {
            (1..=n_axes)
                .map(|n| WcsAxis {
                    ctype: text(&format!("CTYPE{n}")).unwrap_or_default(),
                    cunit: text(&format!("CUNIT{n}")).unwrap_or_default(),
                    crval: header.get_f64(&format!("CRVAL{n}")).unwrap_or(0.0),
                    cdelt: header.get_f64(&format!("CDELT{n}")).unwrap_or(1.0),
                    crpix: header.get_f64(&format!("CRPIX{n}")).unwrap_or(0.0),
                })
                .collect()
        } else {
            Vec::new()
        };
        let beam = match (header.get_f64("BMAJ"), header.get_f64("BMIN"), header.get_f64("BPA")) {
            (Some(bmaj_deg), Some(bmin_deg), bpa) => Some(Beam {
                bmaj_deg,
                bmin_deg,
                bpa_deg: bpa.unwrap_or(0.0),
            }),
            _ => None,
        };
        let known = [
            "BUNIT", "OBJECT", "RADESYS", "RESTFRQ", "RESTFREQ", "SPECSYS", "BMAJ", "BMIN", "BPA", "COMMENT", "HISTORY",
        ];
        let commentary = |keyword: &str| -> Vec<String> {
            header
                .cards
                .iter()
                .filter(|c| c.keyword == keyword)
                .map(|c| c.comment.clone())
                .collect()
        };
        ImageMeta {
            wcs,
            bunit: text("BUNIT"),
            rest_freq_hz: header.get_f64("RESTFRQ").or_else(|| header.get_f64("RESTFREQ")),
            specsys: text("SPECSYS"),
            radesys: text("RADESYS"),
            beam,
            object: text("OBJECT"),
            extra: header
                .cards
                .iter()
                .filter(|c| {
                    !STRUCTURAL.contains(&c.keyword.as_str())
                        && !known.contains(&c.keyword.as_str())
                        && !is_axis_keyword(&c.keyword)
                })
                .cloned()
                .collect(),
            history: commentary("HISTORY"),
            comments: commentary("COMMENT"),
        }
    }
}
