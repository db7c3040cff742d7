//! FITS images and cubes in the primary HDU: the writer (f32 or f64 pixels) and the reader
//! (any BITPIX, BSCALE/BZERO and BLANK applied).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use super::card::{BLOCK_LEN, Card, HeaderValue};
use super::header::{Hdu, Header, header_bytes, parse_hdus};
use super::wcs::{ImageMeta, STRUCTURAL, is_axis_keyword};
use crate::IoError;

/// A pixel type the image writer stores: `f32` (`BITPIX = -32`) or `f64` (`BITPIX = -64`).
pub trait FitsPixel: Copy {
    /// The FITS `BITPIX` of this type.
    const BITPIX: i64;
    /// Appends the big-endian bytes of the value.
    fn push_be(self, out: &mut Vec<u8>);
}

impl FitsPixel for f32 {
    const BITPIX: i64 = -32;
    fn push_be(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
}

impl FitsPixel for f64 {
    const BITPIX: i64 = -64;
    fn push_be(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
}

/// Writes an N-D image (1-D spectrum, 2-D map, 3-D cube) as the primary HDU of a new file.
///
/// `shape` is in FITS order, `NAXIS1` first, and `data` is laid out with the first axis
/// fastest: the value of pixel `(x, y, z)` (0-based) is `data[x + nx * (y + ny * z)]`.
/// `meta.wcs` must be empty or have one axis per dimension.
///
/// ```
/// use stop_io::{read_fits_image, write_fits_image, ImageData, ImageMeta, WcsAxis};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("cube.fits");
/// let meta = ImageMeta {
///     wcs: vec![
///         WcsAxis::ra_sin_deg(83.8, -1.0 / 3600.0, 2.0),
///         WcsAxis::dec_sin_deg(-5.4, 1.0 / 3600.0, 2.0),
///         WcsAxis::vrad_m_s(0.0, 500.0, 1.0),
///     ],
///     bunit: Some("K".into()),
///     rest_freq_hz: Some(115.2712018e9),
///     specsys: Some("LSRK".into()),
///     ..ImageMeta::default()
/// };
/// let data: Vec<f32> = (0..3 * 3 * 2).map(|i| i as f32).collect();
/// write_fits_image(&path, &[3, 3, 2], &data, &meta)?;
/// let image = read_fits_image(&path)?;
/// assert_eq!(image.shape, vec![3, 3, 2]);
/// assert_eq!(image.data, ImageData::F32(data));
/// assert_eq!(image.meta, meta);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_fits_image<T: FitsPixel>(
    path: impl AsRef<Path>,
    shape: &[usize],
    data: &[T],
    meta: &ImageMeta,
) -> Result<(), IoError> {
    let path = path.as_ref();
    let expected = shape.iter().product::<usize>();
    if shape.is_empty() || expected != data.len() {
        return Err(IoError::ShapeMismatch {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            expected,
            found: data.len(),
        });
    }
    let mut writer = FitsImageWriter::<T>::create(path, shape, meta)?;
    writer.write_pixels(data)?;
    writer.finish()
}

/// Writes an image in pieces (a cube channel by channel, as a ray tracer produces it), never
/// holding it whole. Same layout and header as [`write_fits_image`]; `finish` checks that
/// exactly the announced number of pixels came and pads the last block.
///
/// ```
/// use stop_io::{read_fits_image, FitsImageWriter, ImageData, ImageMeta};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("cube.fits");
/// let mut writer = FitsImageWriter::<f32>::create(&path, &[2, 2, 3], &ImageMeta::default())?;
/// for channel in 0..3 {
///     writer.write_pixels(&[channel as f32; 4])?;
/// }
/// writer.finish()?;
/// let image = read_fits_image(&path)?;
/// assert_eq!(image.data, ImageData::F32(vec![0., 0., 0., 0., 1., 1., 1., 1., 2., 2., 2., 2.]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FitsImageWriter<T: FitsPixel> {
    path: PathBuf,
    shape: Vec<usize>,
    out: Option<BufWriter<File>>,
    expected: usize,
    written: usize,
    buffer: Vec<u8>,
    pixel: PhantomData<T>,
}

impl<T: FitsPixel> FitsImageWriter<T> {
    /// Creates (or truncates) `path` and writes the header of an image of `shape` (`NAXIS1`
    /// first). `meta.wcs` must be empty or have one axis per dimension.
    pub fn create(path: impl AsRef<Path>, shape: &[usize], meta: &ImageMeta) -> Result<FitsImageWriter<T>, IoError> {
        let path = path.as_ref();
        if shape.is_empty() {
            return Err(IoError::ShapeMismatch {
                path: path.to_path_buf(),
                shape: Vec::new(),
                expected: 0,
                found: 0,
            });
        }
        if !meta.wcs.is_empty() && meta.wcs.len() != shape.len() {
            return Err(IoError::FitsBadKeyword {
                path: path.to_path_buf(),
                hdu: 0,
                keyword: "WCSAXES".to_owned(),
                value: meta.wcs.len().to_string(),
                expected: "one WCS axis per data axis",
            });
        }
        if let Some(card) = meta
            .extra
            .iter()
            .find(|c| STRUCTURAL.contains(&c.keyword.as_str()) || is_axis_keyword(&c.keyword))
        {
            return Err(IoError::FitsBadKeyword {
                path: path.to_path_buf(),
                hdu: 0,
                keyword: card.keyword.clone(),
                value: card.value.to_string(),
                expected: "an extra keyword that is not structural or a WCS axis keyword (use ImageMeta::wcs)",
            });
        }
        let mut cards = vec![
            Card::new("SIMPLE", HeaderValue::Bool(true)),
            Card::new("BITPIX", HeaderValue::Int(T::BITPIX)),
            Card::new("NAXIS", HeaderValue::Int(shape.len() as i64)),
        ];
        for (i, &n) in shape.iter().enumerate() {
            cards.push(Card::new(&format!("NAXIS{}", i + 1), HeaderValue::Int(n as i64)));
        }
        cards.push(Card::new("EXTEND", HeaderValue::Bool(true)));
        cards.extend(meta.cards());
        let header = header_bytes(path, 0, &cards)?;
        let io = |e| IoError::io(path, e);
        let mut out = BufWriter::new(File::create(path).map_err(io)?);
        out.write_all(&header).map_err(io)?;
        Ok(FitsImageWriter {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            out: Some(out),
            expected: shape.iter().product(),
            written: 0,
            buffer: Vec::new(),
            pixel: PhantomData,
        })
    }

    /// Appends pixels in file order (first axis fastest).
    pub fn write_pixels(&mut self, pixels: &[T]) -> Result<(), IoError> {
        if self.written + pixels.len() > self.expected {
            return Err(self.mismatch(self.written + pixels.len()));
        }
        let out = self.out.as_mut().ok_or_else(|| IoError::WriterFinished {
            path: self.path.clone(),
        })?;
        for chunk in pixels.chunks(8192) {
            self.buffer.clear();
            for &value in chunk {
                value.push_be(&mut self.buffer);
            }
            out.write_all(&self.buffer).map_err(|e| IoError::io(&self.path, e))?;
        }
        self.written += pixels.len();
        Ok(())
    }

    /// Pads the data to a whole block and closes the file; fails if pixels are missing.
    pub fn finish(&mut self) -> Result<(), IoError> {
        if self.written != self.expected {
            return Err(self.mismatch(self.written));
        }
        let Some(mut out) = self.out.take() else {
            return Ok(());
        };
        let io = |e| IoError::io(&self.path, e);
        let bytes = self.written * (T::BITPIX.unsigned_abs() as usize / 8);
        let padding = bytes.div_ceil(BLOCK_LEN) * BLOCK_LEN - bytes;
        out.write_all(&vec![0u8; padding]).map_err(io)?;
        out.flush().map_err(io)
    }

    fn mismatch(&self, found: usize) -> IoError {
        IoError::ShapeMismatch {
            path: self.path.clone(),
            shape: self.shape.clone(),
            expected: self.expected,
            found,
        }
    }
}

/// Pixel values as read: float images keep their type, integer images (and any image with
/// `BSCALE`/`BZERO`) become `f64` with `BLANK` pixels set to NaN.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageData {
    /// `BITPIX = -32` without scaling.
    F32(Vec<f32>),
    /// Every other case.
    F64(Vec<f64>),
}

impl ImageData {
    /// Number of pixels.
    pub fn len(&self) -> usize {
        match self {
            ImageData::F32(v) => v.len(),
            ImageData::F64(v) => v.len(),
        }
    }

    /// Whether there are no pixels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pixels as `f64`.
    pub fn to_f64(&self) -> Vec<f64> {
        match self {
            ImageData::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            ImageData::F64(v) => v.clone(),
        }
    }
}

/// An image read from a FITS file.
#[derive(Debug, Clone, PartialEq)]
pub struct FitsImage {
    /// Axis lengths, `NAXIS1` first.
    pub shape: Vec<usize>,
    /// Pixels, first axis fastest.
    pub data: ImageData,
    /// WCS and the other keywords, parsed.
    pub meta: ImageMeta,
    /// The raw header, every card.
    pub header: Header,
}

/// Reads the first image HDU with data (the primary HDU, or an `IMAGE` extension after an
/// empty primary). Gzip-compressed files are read too.
pub fn read_fits_image(path: impl AsRef<Path>) -> Result<FitsImage, IoError> {
    let path = path.as_ref();
    let bytes = crate::detect::read_maybe_gzip(path)?;
    read_fits_image_bytes(path, &bytes)
}

/// Whether an HDU is an image with at least one pixel.
pub(crate) fn is_image_with_data(hdu: &Hdu) -> bool {
    let image = hdu.index == 0 || hdu.header.get_str("XTENSION").map(str::trim) == Some("IMAGE");
    image && hdu.data_len > 0
}

pub(crate) fn read_fits_image_bytes(path: &Path, bytes: &[u8]) -> Result<FitsImage, IoError> {
    let hdus = parse_hdus(path, bytes)?;
    let hdu = hdus
        .iter()
        .find(|h| is_image_with_data(h))
        .ok_or_else(|| IoError::FitsUnsupported {
            path: path.to_path_buf(),
            hdu: 0,
            what: "no image HDU with data".to_owned(),
        })?;
    image_from_hdu(path, hdu, bytes)
}

pub(crate) fn image_from_hdu(path: &Path, hdu: &Hdu, bytes: &[u8]) -> Result<FitsImage, IoError> {
    let shape = hdu.shape(path)?;
    let bitpix = hdu.int(path, "BITPIX")?;
    let raw = hdu.data(bytes);
    let bscale = hdu.header.get_f64("BSCALE").unwrap_or(1.0);
    let bzero = hdu.header.get_f64("BZERO").unwrap_or(0.0);
    let blank = hdu.header.get_i64("BLANK");
    let scaled = bscale != 1.0 || bzero != 0.0;
    // Unscaled data are returned untouched (0 + 1·x would turn -0.0 into +0.0).
    let scale = |v: f64| if scaled { bzero + bscale * v } else { v };
    let from_int = |v: i64| if Some(v) == blank { f64::NAN } else { scale(v as f64) };
    let data = match bitpix {
        -32 if !scaled => ImageData::F32(
            raw.chunks_exact(4)
                .map(|c| f32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        -32 => ImageData::F64(
            raw.chunks_exact(4)
                .map(|c| scale(f64::from(f32::from_be_bytes([c[0], c[1], c[2], c[3]]))))
                .collect(),
        ),
        -64 => ImageData::F64(
            raw.chunks_exact(8)
                .map(|c| scale(f64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])))
                .collect(),
        ),
        8 => ImageData::F64(raw.iter().map(|&b| from_int(i64::from(b))).collect()),
        16 => ImageData::F64(
            raw.chunks_exact(2)
                .map(|c| from_int(i64::from(i16::from_be_bytes([c[0], c[1]]))))
                .collect(),
        ),
        32 => ImageData::F64(
            raw.chunks_exact(4)
                .map(|c| from_int(i64::from(i32::from_be_bytes([c[0], c[1], c[2], c[3]]))))
                .collect(),
        ),
        _ => ImageData::F64(
            raw.chunks_exact(8)
                .map(|c| from_int(i64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])))
                .collect(),
        ),
    };
    Ok(FitsImage {
        meta: ImageMeta::from_header(&hdu.header, shape.len()),
        shape,
        data,
        header: hdu.header.clone(),
    })
}
