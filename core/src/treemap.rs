//! Squarified treemap layout (Bruls, Huizing and van Wijk, 2000), pure and
//! deterministic: the page draws the rectangles, Rust decides where they go.
//!
//! [`squarify`] lays out one level: weights (largest first) become rectangles
//! that tile a given rectangle exactly, with aspect ratios kept close to 1.
//! [`nested`] applies it recursively to a tree (directories inside
//! directories) down to a depth or size limit, leaving room for a header
//! strip and a padding around each directory's children.
//!
//! Everything is in abstract units (the caller's pixels); nothing here knows
//! about the DOM, files or sizes beyond the `u64` weights it is given.

/// An axis-aligned rectangle: top-left corner, width and height.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width (never negative).
    pub w: f64,
    /// Height (never negative).
    pub h: f64,
}

impl Rect {
    /// A rectangle from its corner and size (negative sizes are clamped to 0).
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w: w.max(0.0), h: h.max(0.0) }
    }

    /// Width × height.
    pub fn area(&self) -> f64 {
        self.w * self.h
    }

    /// The rectangle shrunk by `d` on every side (never below zero size).
    pub fn inset(&self, d: f64) -> Rect {
        let dx = d.min(self.w / 2.0);
        let dy = d.min(self.h / 2.0);
        Rect::new(self.x + dx, self.y + dy, self.w - 2.0 * dx, self.h - 2.0 * dy)
    }

    /// The rectangle without a strip of height `h` at the top.
    pub fn below(&self, h: f64) -> Rect {
        let h = h.min(self.h);
        Rect::new(self.x, self.y + h, self.w, self.h - h)
    }
}

/// The worst aspect ratio of a row of areas laid along a side of length `side`.
fn worst(sum: f64, min: f64, max: f64, side: f64) -> f64 {
    if sum <= 0.0 || min <= 0.0 || side <= 0.0 {
        return f64::INFINITY;
    }
    let s2 = side * side;
    let a = s2 * max / (sum * sum);
    let b = (sum * sum) / (s2 * min);
    a.max(b)
}

/// Lays `weights` out inside `rect` as a squarified treemap.
///
/// `weights` should be sorted from largest to smallest (the algorithm's
/// aspect ratios depend on it; any order still yields an exact tiling). The
/// result has one rectangle per weight, in the same order; the rectangles do
/// not overlap and their union is `rect` (up to floating-point rounding) when
/// the total weight is positive. Zero weights get zero-area rectangles at the
/// end of the last row; with a zero total every rectangle is empty.
pub fn squarify(weights: &[u64], rect: Rect) -> Vec<Rect> {
    let n = weights.len();
    let mut out = vec![Rect::new(rect.x, rect.y, 0.0, 0.0); n];
    let total: f64 = weights.iter().map(|&w| w as f64).sum();
    if n == 0 || total <= 0.0 || rect.area() <= 0.0 {
        return out;
    }
    let scale = rect.area() / total;
    let areas: Vec<f64> = weights.iter().map(|&w| w as f64 * scale).collect();
    // Zero weights take no room; they sit at the corner of what is left.
    let last_positive = areas.iter().rposition(|&a| a > 0.0).unwrap_or(0);

    let mut free = rect;
    let mut i = 0;
    while i <= last_positive {
        let side = free.w.min(free.h);
        // Grow the row while the worst aspect ratio does not get worse.
        let (mut sum, mut min, mut max) = (areas[i], areas[i], areas[i]);
        let mut j = i + 1;
        while j <= last_positive {
            let a = areas[j];
            let (s2, mn2, mx2) = (sum + a, min.min(a), max.max(a));
            if worst(s2, mn2, mx2, side) > worst(sum, min, max, side) {
                break;
            }
            (sum, min, max) = (s2, mn2, mx2);
            j += 1;
        }
        let last_row = j > last_positive;
        if free.w >= free.h {
            // A column at the left of the free space.
            let col_w = if last_row { free.w } else { (sum / free.h).min(free.w) };
            let mut y = free.y;
            for k in i..j {
                let h = if k + 1 == j { free.y + free.h - y } else { areas[k] / col_w };
                out[k] = Rect::new(free.x, y, col_w, h);
                y += h;
            }
            free = Rect::new(free.x + col_w, free.y, free.w - col_w, free.h);
        } else {
            // A row at the top of the free space.
            let row_h = if last_row { free.h } else { (sum / free.w).min(free.h) };
            let mut x = free.x;
            for k in i..j {
                let w = if k + 1 == j { free.x + free.w - x } else { areas[k] / row_h };
                out[k] = Rect::new(x, free.y, w, row_h);
                x += w;
            }
            free = Rect::new(free.x, free.y + row_h, free.w, free.h - row_h);
        }
        i = j;
    }
    for r in out.iter_mut().skip(last_positive + 1) {
        *r = Rect::new(free.x, free.y, 0.0, 0.0);
    }
    out
}

/// Limits for [`nested`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NestOptions {
    /// How many levels below the root to lay out (1 = the root's children only).
    pub max_depth: u32,
    /// A node is only subdivided when its rectangle is at least this wide and high.
    pub min_side: f64,
    /// Height of the label strip kept at the top of a subdivided node.
    pub header: f64,
    /// Space kept between a subdivided node's border and its children.
    pub padding: f64,
    /// Tiles smaller than this area are dropped (with their subtrees).
    pub min_area: f64,
}

impl Default for NestOptions {
    fn default() -> Self {
        NestOptions { max_depth: 3, min_side: 48.0, header: 16.0, padding: 2.0, min_area: 4.0 }
    }
}

/// One rectangle of a nested layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile<N> {
    /// The node it stands for.
    pub node: N,
    /// Where it goes.
    pub rect: Rect,
    /// 1 for the root's children, 2 for theirs, ...
    pub depth: u32,
    /// Whether its children were laid out inside it.
    pub subdivided: bool,
}

/// Lays out a tree as a nested squarified treemap inside `rect`.
///
/// `children(node)` returns a node's children with their weights; the order
/// does not matter (they are sorted largest first, ties kept in the given
/// order) and zero weights are skipped. The root itself gets no tile. Tiles
/// come parents first (a parent before its children), so drawing them in
/// order paints children over their parent.
pub fn nested<N: Copy>(
    root: N,
    rect: Rect,
    opts: &NestOptions,
    mut children: impl FnMut(N) -> Vec<(N, u64)>,
) -> Vec<Tile<N>> {
    let mut out: Vec<Tile<N>> = Vec::new();
    // (node, where its children go, its depth, its tile).
    let mut queue: std::collections::VecDeque<(N, Rect, u32, Option<usize>)> = std::collections::VecDeque::new();
    queue.push_back((root, rect, 0, None));
    while let Some((node, area, depth, tile)) = queue.pop_front() {
        let mut kids: Vec<(N, u64)> = children(node).into_iter().filter(|&(_, w)| w > 0).collect();
        kids.sort_by_key(|k| std::cmp::Reverse(k.1));
        let weights: Vec<u64> = kids.iter().map(|&(_, w)| w).collect();
        let mut drawn = false;
        for ((kid, _), r) in kids.into_iter().zip(squarify(&weights, area)) {
            if r.area() < opts.min_area {
                continue;
            }
            drawn = true;
            let idx = out.len();
            out.push(Tile { node: kid, rect: r, depth: depth + 1, subdivided: false });
            let can_split = depth + 1 < opts.max_depth && r.w >= opts.min_side && r.h >= opts.min_side + opts.header;
            if can_split {
                let inner = r.below(opts.header).inset(opts.padding);
                if inner.area() > 0.0 {
                    // Marked subdivided only once a child is actually drawn in it.
                    queue.push_back((kid, inner, depth + 1, Some(idx)));
                }
            }
        }
        if drawn && let Some(t) = tile {
            out[t].subdivided = true;
        }
    }
    // Breadth-first order puts every parent before its children.
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    fn assert_tiles(rects: &[Rect], weights: &[u64], outer: Rect) {
        let total: u64 = weights.iter().sum();
        let mut sum = 0.0;
        for (r, &w) in rects.iter().zip(weights) {
            // Proportional area.
            let want = outer.area() * w as f64 / total as f64;
            assert!(close(r.area(), want), "area {} != {want} for weight {w}", r.area());
            // Inside the outer rectangle.
            assert!(r.x >= outer.x - 1e-9 && r.y >= outer.y - 1e-9);
            assert!(r.x + r.w <= outer.x + outer.w + 1e-6 && r.y + r.h <= outer.y + outer.h + 1e-6);
            sum += r.area();
        }
        assert!(close(sum, outer.area()));
        // No two rectangles overlap.
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                let ox = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
                let oy = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
                assert!(ox <= 1e-6 || oy <= 1e-6, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn paper_example() {
        // The example of Bruls et al.: 6 6 4 3 2 2 1 in a 6 × 4 rectangle.
        let w = [6, 6, 4, 3, 2, 2, 1];
        let outer = Rect::new(0.0, 0.0, 6.0, 4.0);
        let r = squarify(&w, outer);
        assert_tiles(&r, &w, outer);
        // The first row is the two 6s stacked in a 3-wide column.
        assert!(close(r[0].w, 3.0) && close(r[0].h, 2.0));
        assert!(close(r[1].w, 3.0) && close(r[1].y, 2.0));
        // Aspect ratios stay reasonable (the paper's worst is 9/4 for the 2s... here at most 4).
        for x in &r {
            let ar = (x.w / x.h).max(x.h / x.w);
            assert!(ar <= 4.0 + 1e-9, "aspect {ar} of {x:?}");
        }
    }

    #[test]
    fn single_zero_and_empty() {
        let outer = Rect::new(10.0, 20.0, 100.0, 50.0);
        assert!(squarify(&[], outer).is_empty());
        let one = squarify(&[42], outer);
        assert_eq!(one, vec![outer]);
        let zeros = squarify(&[0, 0], outer);
        assert!(zeros.iter().all(|r| r.area() == 0.0));
        let mixed = squarify(&[5, 0, 5], outer);
        assert!(close(mixed[0].area(), 2500.0) && close(mixed[2].area(), 2500.0));
        assert_eq!(mixed[1].area(), 0.0);
        assert!(squarify(&[1, 2], Rect::new(0.0, 0.0, 0.0, 10.0)).iter().all(|r| r.area() == 0.0));
    }

    #[test]
    fn tiles_exactly_for_many_shapes() {
        let mut seed = 0x9e37_79b9_u64;
        for case in 0..200 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = (seed >> 33) as usize % 40 + 1;
            let mut w: Vec<u64> = (0..n)
                .map(|i| {
                    let v = seed.rotate_left(i as u32 * 7) >> 40;
                    v % 10_000 + 1
                })
                .collect();
            w.sort_unstable_by(|a, b| b.cmp(a));
            let outer = Rect::new(0.0, 0.0, 50.0 + case as f64, 300.0 - case as f64);
            assert_tiles(&squarify(&w, outer), &w, outer);
        }
    }

    #[test]
    fn huge_weights_do_not_overflow() {
        let w = [u64::MAX / 2, u64::MAX / 4, 1];
        let outer = Rect::new(0.0, 0.0, 1000.0, 600.0);
        let r = squarify(&w, outer);
        let sum: f64 = r.iter().map(Rect::area).sum();
        assert!((sum - outer.area()).abs() < 1e-3);
    }

    #[test]
    fn nested_layout_respects_depth_header_and_order() {
        // 0 = root, 1 = dir (a 60 + b 40), 2 = file 100.
        let tree = |n: u32| -> Vec<(u32, u64)> {
            match n {
                0 => vec![(2, 100), (1, 100)],
                1 => vec![(4, 40), (3, 60)],
                _ => vec![],
            }
        };
        let opts = NestOptions { max_depth: 3, min_side: 10.0, header: 10.0, padding: 1.0, min_area: 1.0 };
        let tiles = nested(0u32, Rect::new(0.0, 0.0, 200.0, 100.0), &opts, tree);
        let nodes: Vec<u32> = tiles.iter().map(|t| t.node).collect();
        assert_eq!(nodes, [2, 1, 3, 4], "parents first, children largest first");
        let dir = &tiles[1];
        assert!(dir.subdivided);
        for kid in &tiles[2..] {
            assert_eq!(kid.depth, 2);
            assert!(kid.rect.y >= dir.rect.y + 10.0, "children sit below the header");
            assert!(kid.rect.x >= dir.rect.x + 1.0 - 1e-9);
        }
        let inner = dir.rect.below(10.0).inset(1.0);
        assert!(close(tiles[2].rect.area() + tiles[3].rect.area(), inner.area()));
        // Depth 1 only: no children laid out, nothing subdivided.
        let flat = nested(0u32, Rect::new(0.0, 0.0, 200.0, 100.0), &NestOptions { max_depth: 1, ..opts }, tree);
        assert_eq!(flat.len(), 2);
        assert!(flat.iter().all(|t| !t.subdivided));
    }

    #[test]
    fn leaves_are_never_subdivided() {
        // A big file (2) next to a directory (1) with one child (3).
        let tree = |n: u32| -> Vec<(u32, u64)> {
            match n {
                0 => vec![(2, 100), (1, 100)],
                1 => vec![(3, 5)],
                _ => vec![],
            }
        };
        let tiles = nested(0u32, Rect::new(0.0, 0.0, 400.0, 400.0), &NestOptions::default(), tree);
        let by = |n: u32| tiles.iter().find(|t| t.node == n).unwrap().subdivided;
        assert!(!by(2), "a file has nothing inside");
        assert!(by(1));
        assert!(!by(3));
    }

    #[test]
    fn nested_drops_tiny_tiles() {
        let tree = |n: u32| -> Vec<(u32, u64)> { if n == 0 { vec![(1, 1_000_000), (2, 1), (3, 0)] } else { vec![] } };
        let opts = NestOptions { min_area: 2.0, ..NestOptions::default() };
        let tiles = nested(0u32, Rect::new(0.0, 0.0, 100.0, 100.0), &opts, tree);
        assert_eq!(tiles.len(), 1);
        assert_eq!(tiles[0].node, 1);
    }
}
