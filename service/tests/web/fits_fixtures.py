"""Observed spectra as FITS files for the web client tests, written with astropy (a writer
independent of the client's own reader). Usage: fits_fixtures.py OUT_DIR; prints the frequency
range of the velocity table by astropy's radio Doppler convention (`VELOCITY_GHZ lo hi`), then
DONE when the files exist.

- observed_co.fits: a 1-D primary array (float32, BUNIT K), frequency axis in Hz
  (CTYPE1 FREQ, CRVAL1 100 GHz at CRPIX1 1, CDELT1 0.1 GHz, 2800 channels) with Gaussian
  lines (sigma 0.085 GHz) at the CO 1-0, 2-1 and 3-2 frequencies, peaks 2, 4 and 3.5 K.
- observed_co_velocity.fits: an empty primary HDU and a BINTABLE `SPECTRUM` with columns
  `velocity` (float64, km/s, -300 to 300 by 0.5) and `tmb` (float32, K), RESTFRQ the CO 2-1
  frequency: one Gaussian line of 4 K at 0 km/s (sigma 2 km/s).
- cube.fits: a 24 x 20 x 32 cube (RA---SIN, DEC--SIN at 1 arcsec, VRAD from -8 km/s by
  0.5 km/s, BUNIT K, float32): a Gaussian source (sigma 3 pixels, 5 K) centred on pixel
  (12, 9) (0-based x, y) whose line (sigma 1.5 km/s) moves by 0.25 km/s per pixel in x. Prints
  `MOM0 x y value` (sum of I dv, K km/s) at pixels (12, 9) and (3, 15), and the brightest channel
  of the summed spectrum (`PEAK_CHANNEL k`, 1-based).
"""
import sys
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.io import fits

out = Path(sys.argv[1])
freq_ghz = 100.0 + 0.1 * np.arange(2800)
lines = [(115.2712018, 2.0), (230.538, 4.0), (345.7959899, 3.5)]
t = sum(peak * np.exp(-0.5 * ((freq_ghz - f0) / 0.085) ** 2) for f0, peak in lines)
image = fits.PrimaryHDU(t.astype(np.float32))
for key, value in [("CTYPE1", "FREQ"), ("CUNIT1", "Hz"), ("CRVAL1", 100e9), ("CDELT1", 0.1e9), ("CRPIX1", 1.0),
                   ("BUNIT", "K"), ("BTYPE", "Tmb")]:
    image.header[key] = value
image.writeto(out / "observed_co.fits", overwrite=True)

v = np.linspace(-300.0, 300.0, 1201)
tmb = 4.0 * np.exp(-0.5 * (v / 2.0) ** 2)
table = fits.BinTableHDU.from_columns(
    [fits.Column(name="velocity", format="D", unit="km/s", array=v),
     fits.Column(name="tmb", format="E", unit="K", array=tmb.astype(np.float32))],
    name="SPECTRUM")
table.header["RESTFRQ"] = 230.538e9
fits.HDUList([fits.PrimaryHDU(), table]).writeto(out / "observed_co_velocity.fits", overwrite=True)
nx, ny, nz = 24, 20, 32
vel = -8.0 + 0.5 * np.arange(nz)
y, x = np.mgrid[0:ny, 0:nx]
amp = 5.0 * np.exp(-0.5 * ((x - 12) ** 2 + (y - 9) ** 2) / 3.0 ** 2)
v0 = 0.25 * (x - 12)
cube = (amp[None, :, :] * np.exp(-0.5 * ((vel[:, None, None] - v0[None, :, :]) / 1.5) ** 2)).astype(np.float32)
hdu = fits.PrimaryHDU(cube)
for key, value in [("CTYPE1", "RA---SIN"), ("CUNIT1", "deg"), ("CRVAL1", 83.8), ("CDELT1", -1 / 3600), ("CRPIX1", 13.0),
                   ("CTYPE2", "DEC--SIN"), ("CUNIT2", "deg"), ("CRVAL2", -5.4), ("CDELT2", 1 / 3600), ("CRPIX2", 10.0),
                   ("CTYPE3", "VRAD"), ("CUNIT3", "m/s"), ("CRVAL3", -8000.0), ("CDELT3", 500.0), ("CRPIX3", 1.0),
                   ("BUNIT", "K"), ("RESTFRQ", 230.538e9)]:
    hdu.header[key] = value
hdu.writeto(out / "cube.fits", overwrite=True)
mom0 = cube.astype(np.float64).sum(axis=0) * 0.5
for px, py in [(12, 9), (3, 15)]:
    print(f"MOM0 {px} {py} {mom0[py, px]:.12g}")
print(f"PEAK_CHANNEL {int(np.argmax(cube.astype(np.float64).sum(axis=(1, 2)))) + 1}")

f = (v * u.km / u.s).to(u.GHz, equivalencies=u.doppler_radio(230.538 * u.GHz)).value
print(f"VELOCITY_GHZ {f.min():.12g} {f.max():.12g}")
print("DONE")
