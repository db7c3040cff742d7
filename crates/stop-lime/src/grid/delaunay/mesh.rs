//! The incremental Bowyer–Watson kernel: tetrahedra with adjacency, walking point
//! location, cavity growth and re-triangulation.
//!
//! Bowyer (1981, *Comput. J.* 24, 162) and Watson (1981, *Comput. J.* 24, 167): a new
//! point deletes every tetrahedron whose circumsphere contains it (the *cavity*, a
//! star-shaped region) and connects itself to the cavity's boundary faces.
//!
//! The convex hull is closed by *ghost* tetrahedra that join each hull face to a vertex
//! at infinity, so the structure always covers all of space and a point outside the
//! current hull needs no special case: a ghost is in conflict with `p` when `p` lies
//! strictly beyond its hull face, or on the face's plane and in conflict with the finite
//! tetrahedron behind the face (the in-circle test of the face, perturbed consistently).
//!
//! Storage: `tets[t].v` holds four vertex indices (points are numbered in insertion
//! order); `tets[t].n[k]` is the link to the tetrahedron across the face opposite vertex
//! slot `k`, packed as `4 × tet + face`, so the back link needs no search. Freed slots
//! are recycled. Point location is the stochastic visibility walk (Devillers, Pion &
//! Teillaud 2002, *Int. J. Found. Comput. Sci.* 13, 181) from the last created
//! tetrahedron, which is short because the points arrive in spatial (Hilbert) order.

use super::predicates::{Point3, in_sphere, orient};

/// Vertex index of the point at infinity.
pub(crate) const INFINITE: u32 = 0x7FFF_FFFF;
/// Vertex index marking a recycled tetrahedron slot.
const DEAD: u32 = 0x7FFF_FFFE;
/// Flag bit on vertex entries during one insertion: on `v[0]` the tetrahedron is in the
/// cavity, on `v[1]` it was tested and is not. Vertex indices stay below it
/// (`MAX_POINTS` < 2³¹ − 2), and keeping the flags in the tetrahedron's own cache line
/// saves a memory access per test.
const FLAG: u32 = 1 << 31;

#[inline]
fn pack(tet: u32, face: usize) -> u32 {
    (tet << 2) | face as u32
}

#[inline]
fn tet_of(link: u32) -> u32 {
    link >> 2
}

#[inline]
fn face_of(link: u32) -> usize {
    (link & 3) as usize
}

/// `OTHER_TWO[i][j]`: the two vertex slots of a tetrahedron other than `i` and `j`
/// (`i ≠ j`; the diagonal is never used).
const OTHER_TWO: [[(usize, usize); 4]; 4] = [
    [(0, 0), (2, 3), (1, 3), (1, 2)],
    [(2, 3), (0, 0), (0, 3), (0, 2)],
    [(1, 3), (0, 3), (0, 0), (0, 1)],
    [(1, 2), (0, 2), (0, 1), (0, 0)],
];

/// A tetrahedron: vertices `v` and links `n` across the faces opposite them. Aligned
/// so that both share one cache line (the cavity search reads them together).
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Tet {
    v: [u32; 4],
    n: [u32; 4],
}

/// One face on the boundary of the cavity, already turned into the new tetrahedron.
struct BoundaryFace {
    /// Vertices of the new tetrahedron (the cavity tetrahedron with `p` at `slot`).
    verts: [u32; 4],
    /// Slot of the new point.
    slot: usize,
    /// Link to the tetrahedron outside the cavity across this face.
    outer: u32,
}

/// The triangulation under construction.
pub(crate) struct Mesh {
    points: Vec<Point3>,
    tets: Vec<Tet>,
    free: Vec<u32>,
    /// A finite tetrahedron created by the last insertion: the walk's start.
    last: u32,
    /// xorshift state choosing the first face tested at each walk step.
    walk_state: u64,
    stack: Vec<u32>,
    cavity: Vec<u32>,
    boundary: Vec<BoundaryFace>,
    /// Tetrahedra tested and found outside the cavity in the current insertion.
    outside: Vec<u32>,
    /// Open-addressing table edge → link, pairing the new tetrahedra around the new point.
    edges: Vec<(u64, u32)>,
    /// Slots of `edges` filled during the current insertion.
    used_edges: Vec<usize>,
}

impl Mesh {
    /// Starts from the tetrahedron of `points[0..4]`, which must not be coplanar.
    pub(crate) fn new(points: Vec<Point3>) -> Self {
        let capacity = 7 * points.len() + 16;
        let mut mesh = Mesh {
            tets: Vec::with_capacity(capacity),
            points,
            free: Vec::new(),
            last: 0,
            walk_state: 0x9E37_79B9_7F4A_7C15,
            stack: Vec::new(),
            cavity: Vec::new(),
            boundary: Vec::new(),
            outside: Vec::new(),
            edges: Vec::new(),
            used_edges: Vec::new(),
        };
        let first = if orient(&mesh.points[0], &mesh.points[1], &mesh.points[2], &mesh.points[3]) > 0.0 {
            [0, 1, 2, 3]
        } else {
            [1, 0, 2, 3]
        };
        let mut tets = vec![first];
        for i in 0..4 {
            // Ghost over face i: the vertex at infinity replaces slot i and two other
            // slots swap, so that putting a point beyond the face there is positive.
            let mut ghost = first;
            ghost[i] = INFINITE;
            ghost.swap((i + 1) % 4, (i + 2) % 4);
            tets.push(ghost);
        }
        for v in &tets {
            mesh.tets.push(Tet { v: *v, n: [0; 4] });
        }
        // Link faces of these five tetrahedra by matching vertex sets.
        let face_key = |v: &[u32; 4], k: usize| {
            let mut f: Vec<u32> = (0..4).filter(|&s| s != k).map(|s| v[s]).collect();
            f.sort_unstable();
            f
        };
        for t in 0..tets.len() {
            for k in 0..4 {
                for (u, other) in tets.iter().enumerate() {
                    if u == t {
                        continue;
                    }
                    for j in 0..4 {
                        if face_key(&tets[t], k) == face_key(other, j) {
                            mesh.tets[t].n[k] = pack(u as u32, j);
                        }
                    }
                }
            }
        }
        mesh
    }

    /// Inserts the point with index `id` (all smaller indices already inserted).
    pub(crate) fn insert(&mut self, id: u32) {
        let p = self.points[id as usize];
        let start = self.locate(&p);
        self.cavity.clear();
        self.boundary.clear();
        self.stack.clear();
        self.outside.clear();
        self.tets[start as usize].v[0] |= FLAG;
        self.stack.push(start);
        while let Some(t) = self.stack.pop() {
            self.cavity.push(t);
            for i in 0..4 {
                let link = self.tets[t as usize].n[i];
                let n = tet_of(link);
                let flags = self.tets[n as usize].v;
                if flags[0] & FLAG != 0 {
                    continue;
                }
                if flags[1] & FLAG == 0 {
                    if self.in_conflict(n, &p, id) {
                        self.tets[n as usize].v[0] |= FLAG;
                        self.stack.push(n);
                        continue;
                    }
                    self.tets[n as usize].v[1] |= FLAG;
                    self.outside.push(n);
                }
                let mut verts = self.verts(t);
                verts[i] = id;
                self.boundary.push(BoundaryFace { verts, slot: i, outer: link });
            }
        }
        for &n in &self.outside {
            self.tets[n as usize].v[1] &= !FLAG;
        }
        for &t in &self.cavity {
            self.tets[t as usize].v = [DEAD; 4];
            self.free.push(t);
        }
        self.fill_cavity();
    }

    /// Connects the new point to every boundary face and links the new tetrahedra.
    fn fill_cavity(&mut self) {
        // The table is left empty after every insertion (used slots are reset below),
        // so it is only re-allocated when a cavity is larger than any before.
        let size = (4 * self.boundary.len()).next_power_of_two();
        if self.edges.len() < size {
            self.edges = vec![(u64::MAX, 0); size];
        }
        let size = self.edges.len();
        let shift = 64 - size.trailing_zeros();
        self.used_edges.clear();
        let boundary = std::mem::take(&mut self.boundary);
        for face in &boundary {
            let t = self.allocate();
            self.tets[t as usize].v = face.verts;
            self.tets[t as usize].n[face.slot] = face.outer;
            self.tets[tet_of(face.outer) as usize].n[face_of(face.outer)] = pack(t, face.slot);
            for j in (0..4).filter(|&j| j != face.slot) {
                let (k, l) = OTHER_TWO[face.slot][j];
                let (a, b) = (face.verts[k], face.verts[l]);
                let key = (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
                let mut h = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
                loop {
                    let (k_h, link) = self.edges[h];
                    if k_h == u64::MAX {
                        self.edges[h] = (key, pack(t, j));
                        self.used_edges.push(h);
                        break;
                    }
                    if k_h == key {
                        self.tets[t as usize].n[j] = link;
                        self.tets[tet_of(link) as usize].n[face_of(link)] = pack(t, j);
                        break;
                    }
                    h = (h + 1) & (size - 1);
                }
            }
            if !face.verts.contains(&INFINITE) {
                debug_assert!(self.orientation(t) > 0.0, "cavity not star-shaped at tet {t}");
                self.last = t;
            }
        }
        self.boundary = boundary;
        for &h in &self.used_edges {
            self.edges[h].0 = u64::MAX;
        }
    }

    /// Vertices of tetrahedron `t` without the search flags.
    #[inline]
    fn verts(&self, t: u32) -> [u32; 4] {
        self.tets[t as usize].v.map(|x| x & !FLAG)
    }

    fn allocate(&mut self) -> u32 {
        if let Some(t) = self.free.pop() {
            return t;
        }
        self.tets.push(Tet { v: [DEAD; 4], n: [0; 4] });
        (self.tets.len() - 1) as u32
    }

    /// Stochastic visibility walk to a tetrahedron in conflict with `p`: a finite one
    /// containing `p` (whose circumsphere then strictly contains `p`, as `p` is no
    /// vertex), or a ghost whose hull face `p` lies strictly beyond.
    fn locate(&mut self, p: &Point3) -> u32 {
        let mut t = self.last;
        // The face we entered through: `p` is known to lie on its inner side.
        let mut entry = 4;
        loop {
            let v = self.verts(t);
            if v.contains(&INFINITE) {
                return t;
            }
            self.walk_state ^= self.walk_state << 13;
            self.walk_state ^= self.walk_state >> 7;
            self.walk_state ^= self.walk_state << 17;
            let first = (self.walk_state >> 32) as usize;
            let mut q = v.map(|i| &self.points[i as usize]);
            let mut next = None;
            for k in 0..4 {
                let i = (first + k) & 3;
                if i == entry {
                    continue;
                }
                let saved = q[i];
                q[i] = p;
                if orient(q[0], q[1], q[2], q[3]) < 0.0 {
                    next = Some(self.tets[t as usize].n[i]);
                    break;
                }
                q[i] = saved;
            }
            match next {
                Some(link) => {
                    t = tet_of(link);
                    entry = face_of(link);
                }
                None => return t,
            }
        }
    }

    fn in_conflict(&self, t: u32, p: &Point3, id: u32) -> bool {
        let v = self.verts(t);
        match v.iter().position(|&x| x == INFINITE) {
            Some(slot) => {
                let q = |k: usize| if k == slot { p } else { &self.points[v[k] as usize] };
                let o = orient(q(0), q(1), q(2), q(3));
                if o != 0.0 {
                    return o > 0.0;
                }
                self.finite_in_sphere(tet_of(self.tets[t as usize].n[slot]), p, id)
            }
            None => self.finite_in_sphere(t, p, id),
        }
    }

    fn finite_in_sphere(&self, t: u32, p: &Point3, id: u32) -> bool {
        let v = self.verts(t);
        in_sphere(v.map(|i| &self.points[i as usize]), v, p, id)
    }

    fn orientation(&self, t: u32) -> f64 {
        let v = self.verts(t).map(|i| &self.points[i as usize]);
        orient(v[0], v[1], v[2], v[3])
    }

    /// The finite tetrahedra and, per face, the index of the finite tetrahedron across
    /// it (`u32::MAX` across a hull face); vertex indices in insertion order.
    pub(crate) fn finish(self) -> (Vec<[u32; 4]>, Vec<[u32; 4]>) {
        let mut compact = vec![u32::MAX; self.tets.len()];
        let mut tets = Vec::with_capacity(self.tets.len());
        for (t, tet) in self.tets.iter().enumerate() {
            if tet.v[0] != DEAD && !tet.v.contains(&INFINITE) {
                compact[t] = tets.len() as u32;
                tets.push(tet.v);
            }
        }
        let mut adj = Vec::with_capacity(tets.len());
        for (t, tet) in self.tets.iter().enumerate() {
            if compact[t] != u32::MAX {
                adj.push(tet.n.map(|link| compact[tet_of(link) as usize]));
            }
        }
        (tets, adj)
    }
}
