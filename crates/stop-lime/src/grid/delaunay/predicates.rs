//! Exact geometric predicates with a symbolic perturbation for cospherical input.
//!
//! Orientation and in-sphere signs come from Shewchuk's adaptive exact predicates
//! (Shewchuk 1997, *Discrete Comput. Geom.* 18, 305; the `robust` crate). Throughout the
//! triangulation a tetrahedron `(a, b, c, d)` is *positively oriented* when
//! `orient3d(a, b, c, d) > 0`, and `insphere(a, b, c, d, e) > 0` then means that `e` lies
//! strictly inside the circumsphere.
//!
//! Exactly cospherical configurations (`insphere == 0`, every cell of a cubic lattice)
//! are resolved by the lifting perturbation of Devillers & Teillaud (2011, *Comput. Geom.*
//! 44, 526): point `i` is lifted to `|p_i|² + ε^(N−i)` with ε infinitesimal, so a larger
//! index means a larger perturbation. The perturbed point set is in general position with
//! respect to spheres, its Delaunay triangulation is unique, and it contains no flat
//! tetrahedra. The sign of the perturbed determinant is the sign of the first non-zero
//! term when the five points are visited by decreasing index:
//!
//! * raising the query point `e` moves it outwards (term `−1`);
//! * raising a vertex `v` of the tetrahedron moves the sphere towards `e` by the
//!   barycentric coordinate `λ_v(e)`, whose sign is `orient3d` with `e` in place of `v`.

use robust::{Coord3D, insphere, orient3d};

/// A point as stored by the triangulation.
pub(crate) type Point3 = [f64; 3];

#[inline]
fn coord(p: &Point3) -> Coord3D<f64> {
    Coord3D { x: p[0], y: p[1], z: p[2] }
}

/// Exact orientation of four points; positive for a positively oriented tetrahedron.
#[inline]
pub(crate) fn orient(a: &Point3, b: &Point3, c: &Point3, d: &Point3) -> f64 {
    orient3d(coord(a), coord(b), coord(c), coord(d))
}

/// Perturbed in-sphere test: is point `e` (index `e_id`) strictly inside the circumsphere
/// of the positively oriented tetrahedron `tet` (vertex indices `ids`)?
///
/// Never returns "on the sphere": ties are broken by the lifting perturbation described
/// in the module documentation, so the answer is consistent across all tests.
#[inline]
pub(crate) fn in_sphere(tet: [&Point3; 4], ids: [u32; 4], e: &Point3, e_id: u32) -> bool {
    let det = insphere(coord(tet[0]), coord(tet[1]), coord(tet[2]), coord(tet[3]), coord(e));
    if det != 0.0 {
        return det > 0.0;
    }
    perturbed_tie(tet, ids, e, e_id)
}

/// Sign of the perturbed in-sphere determinant when the exact one is zero.
#[cold]
fn perturbed_tie(tet: [&Point3; 4], ids: [u32; 4], e: &Point3, e_id: u32) -> bool {
    // Slots 0..4 are the tetrahedron's vertices, slot 4 is the query point.
    let mut slots = [0usize, 1, 2, 3, 4];
    let id_of = |slot: usize| if slot == 4 { e_id } else { ids[slot] };
    slots.sort_unstable_by_key(|&slot| std::cmp::Reverse(id_of(slot)));
    for slot in slots {
        if slot == 4 {
            // The query point carries the dominant remaining perturbation: lifted upwards,
            // it is outside.
            return false;
        }
        let mut moved = tet;
        moved[slot] = e;
        let o = orient(moved[0], moved[1], moved[2], moved[3]);
        if o != 0.0 {
            return o > 0.0;
        }
    }
    // The loop always meets slot 4 and returns there; this line only satisfies the
    // compiler.
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT_TET: [Point3; 4] = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

    fn positive_unit_tet() -> [Point3; 4] {
        let [a, b, c, d] = UNIT_TET;
        if orient(&a, &b, &c, &d) > 0.0 { [a, b, c, d] } else { [b, a, c, d] }
    }

    #[test]
    fn centroid_is_inside_and_far_point_outside() {
        let t = positive_unit_tet();
        let refs = [&t[0], &t[1], &t[2], &t[3]];
        assert!(in_sphere(refs, [0, 1, 2, 3], &[0.25, 0.25, 0.25], 4));
        assert!(!in_sphere(refs, [0, 1, 2, 3], &[5.0, 5.0, 5.0], 4));
    }

    #[test]
    fn cospherical_newest_point_is_outside() {
        // (1,1,1) lies on the circumsphere of the unit corner tetrahedron (the cube's sphere).
        let t = positive_unit_tet();
        let refs = [&t[0], &t[1], &t[2], &t[3]];
        let e = [1.0, 1.0, 1.0];
        assert_eq!(insphere(coord(refs[0]), coord(refs[1]), coord(refs[2]), coord(refs[3]), coord(&e)), 0.0);
        assert!(!in_sphere(refs, [0, 1, 2, 3], &e, 4));
    }

    #[test]
    fn cospherical_tie_is_antisymmetric_under_swapping_roles() {
        // Five cospherical cube corners: the two tetrahedra sharing a face must agree on
        // whether that face is locally Delaunay, as the perturbed points are a real point set.
        let cube: [Point3; 5] = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        // Tets (0,1,2,4) and (1,3,2,4) share face (1,2,4); test each apex against the other.
        let orient_ids = |ids: [u32; 4]| {
            let p = ids.map(|i| &cube[i as usize]);
            if orient(p[0], p[1], p[2], p[3]) > 0.0 { ids } else { [ids[1], ids[0], ids[2], ids[3]] }
        };
        let t1 = orient_ids([0, 1, 2, 4]);
        let t2 = orient_ids([1, 3, 2, 4]);
        let a = in_sphere(t1.map(|i| &cube[i as usize]), t1, &cube[3], 3);
        let b = in_sphere(t2.map(|i| &cube[i as usize]), t2, &cube[0], 0);
        assert_eq!(a, b, "flip legality must agree from both sides");
    }
}
