//! LIME's own grid (model A, seed 1): read it and re-triangulate its points.

use flate2::read::GzDecoder;
use proptest::prelude::*;
use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;
use stop_lime::grid::build::Grid;
use stop_lime::grid::delaunay::Delaunay;
use stop_lime::grid::lime_grid_file::{parse_lime_grid, read_lime_grid};

/// The reference must exist: a missing file fails the test loudly.
fn reference() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/lime/modelA/seed1/grid_5.fits.gz");
    assert!(path.exists(), "reference grid missing: {} (see ../shared/reference/lime/README.md)", path.display());
    path
}

#[test]
fn reads_model_a_grid() {
    let grid = read_lime_grid(&reference()).expect("LIME grid file parses");
    // README: 3000 interior points then 1000 sinks, R = 2000 au, 53 790 directed links.
    assert_eq!(grid.positions_m.len(), 4000);
    assert!(grid.is_sink[..3000].iter().all(|&s| !s) && grid.is_sink[3000..].iter().all(|&s| s));
    assert_eq!(grid.radius_m, 2.991_957_414e14);
    assert_eq!(grid.min_scale_m, 7.479_893_535e10);
    assert_eq!(grid.neighbours.indices().len(), 53_790);
    for p in &grid.positions_m[3000..] {
        let r = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
        // Sinks were projected onto the sphere in double precision.
        assert!((r / grid.radius_m - 1.0).abs() < 1e-12, "sink at r = {r}");
    }
    for i in 0..4000 {
        for &j in grid.neighbours.of(i) {
            assert!(grid.neighbours.of(j as usize).binary_search(&(i as u32)).is_ok(), "link {i}-{j} is one-way");
        }
    }
}

#[test]
fn our_triangulation_of_lime_points_reproduces_its_neighbours() {
    let grid = read_lime_grid(&reference()).expect("LIME grid file parses");
    let ours = Delaunay::new(&grid.positions_m).expect("LIME's points triangulate").vertex_neighbours();
    let differing: Vec<usize> = (0..4000).filter(|&i| ours.of(i) != grid.neighbours.of(i)).collect();
    assert!(differing.is_empty(), "{} points differ, first {:?}", differing.len(), &differing[..differing.len().min(5)]);
}

#[test]
fn grid_on_lime_points_keeps_lime_sinks() {
    let file = read_lime_grid(&reference()).expect("LIME grid file parses");
    let grid = Grid::from_points(file.positions_m.clone(), file.is_sink.clone()).expect("grid on LIME's points");
    // LIME already re-labelled hull points as sinks, so nothing changes.
    assert_eq!(grid.is_sink, file.is_sink);
    assert_eq!(grid.neighbours, file.neighbours);
    assert_eq!(grid.locator.nearest(file.positions_m[1234]).0, 1234);
}

/// The decompressed reference file, read once for all property cases.
fn reference_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut out = Vec::new();
        let file = std::fs::File::open(reference()).expect("readable reference");
        GzDecoder::new(file).read_to_end(&mut out).expect("gzip");
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Corrupted headers, data and truncations give an error or a grid, never a panic.
    #[test]
    fn corrupted_grid_files_never_panic(
        edits in proptest::collection::vec((0usize..40_000, any::<u8>()), 1..20),
        anywhere in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..20),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = reference_bytes().to_vec();
        // Most edits hit the headers (the first HDUs' cards lie in the first ~40 kB).
        for (pos, b) in edits {
            bytes[pos] = b;
        }
        for (pos, b) in anywhere {
            let i = pos.index(bytes.len());
            bytes[i] = b;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let _ = parse_lime_grid("corrupted.fits".as_ref(), &bytes);
    }
}
