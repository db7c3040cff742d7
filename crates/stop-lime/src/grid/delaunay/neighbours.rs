//! Per-point neighbour lists (Delaunay edges) in compressed sparse row form.

/// Delaunay neighbours of every point: `indices[offsets[i]..offsets[i + 1]]` are the
/// points sharing an edge with point `i`, sorted increasingly.
///
/// ```
/// use stop_lime::grid::delaunay::Delaunay;
/// let pts = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// let nb = Delaunay::new(&pts)?.vertex_neighbours();
/// assert_eq!(nb.of(0), &[1, 2, 3]);
/// assert_eq!(nb.offsets(), &[0, 3, 6, 9, 12]);
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbours {
    offsets: Vec<usize>,
    indices: Vec<u32>,
}

impl Neighbours {
    /// Builds the lists of `n_points` points from tetrahedra: vertex → tetrahedra
    /// incidence first (count, prefix sum, fill), then per point the other vertices of
    /// its tetrahedra, de-duplicated and sorted.
    pub(crate) fn from_tetrahedra(n_points: usize, tets: &[[u32; 4]]) -> Self {
        let mut first = vec![0usize; n_points + 1];
        for tet in tets {
            for &v in tet {
                first[v as usize + 1] += 1;
            }
        }
        for i in 0..n_points {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut incident = vec![0u32; first[n_points]];
        for (t, tet) in tets.iter().enumerate() {
            for &v in tet {
                incident[fill[v as usize]] = t as u32;
                fill[v as usize] += 1;
            }
        }
        let mut offsets = Vec::with_capacity(n_points + 1);
        offsets.push(0);
        let mut indices = Vec::with_capacity(16 * n_points);
        // seen[v] == i: v already listed for point i (cheaper than sorting ~80 repeats).
        let mut seen = vec![u32::MAX; n_points];
        for i in 0..n_points {
            let row_start = indices.len();
            for &t in &incident[first[i]..first[i + 1]] {
                for &v in &tets[t as usize] {
                    if v as usize != i && seen[v as usize] != i as u32 {
                        seen[v as usize] = i as u32;
                        indices.push(v);
                    }
                }
            }
            indices[row_start..].sort_unstable();
            offsets.push(indices.len());
        }
        Neighbours { offsets, indices }
    }

    /// The same lists with point `k` renamed `new_id[k]`, in a set of `n_points` points
    /// (points that are no `new_id` get empty lists).
    pub(crate) fn renumbered(&self, new_id: &[u32], n_points: usize) -> Self {
        let mut offsets = vec![0usize; n_points + 1];
        for (k, &i) in new_id.iter().enumerate() {
            offsets[i as usize + 1] = self.of(k).len();
        }
        for i in 0..n_points {
            offsets[i + 1] += offsets[i];
        }
        let mut indices = vec![0u32; self.indices.len()];
        for (k, &i) in new_id.iter().enumerate() {
            let row = &mut indices[offsets[i as usize]..offsets[i as usize + 1]];
            for (slot, &j) in row.iter_mut().zip(self.of(k)) {
                *slot = new_id[j as usize];
            }
            row.sort_unstable();
        }
        Neighbours { offsets, indices }
    }

    /// Builds the CSR form from one list per point (each list is sorted and
    /// de-duplicated here).
    pub(crate) fn from_lists(lists: Vec<Vec<u32>>) -> Self {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        offsets.push(0);
        let mut indices = Vec::new();
        for mut list in lists {
            list.sort_unstable();
            list.dedup();
            indices.extend_from_slice(&list);
            offsets.push(indices.len());
        }
        Neighbours { offsets, indices }
    }

    /// Neighbours of point `i`.
    ///
    /// # Panics
    /// If `i` is not a point index.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.indices[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Row offsets (`n_points + 1` entries).
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// Concatenated neighbour indices.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// Number of points (rows).
    pub fn n_points(&self) -> usize {
        self.offsets.len() - 1
    }
}
