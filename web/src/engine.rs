//! The worker's side: holds the parsed input and the last evaluation, and
//! answers the page's requests with what it shows.
//!
//! Pure Rust on top of `ctxlens-core` (no browser APIs), so every figure the
//! page displays is unit-tested natively and checked against
//! [`ctxlens_core::report::build_report`], the function behind
//! `ctxlens --json`: the page and the CLI cannot disagree.

use std::collections::{BTreeSet, HashSet};

use ctxlens_core::eval::classic::{ClassicBuild, ClassicOptions, TarKind, classic_build};
use ctxlens_core::eval::{NodeState, SentKind, Transfer, TransferOptions, transfer};
use ctxlens_core::explain::explain;
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::insight::{Input as InsightInput, insight};
use ctxlens_core::listing::{self, ListingFormat};
use ctxlens_core::report::{deciding_rules_in, wire};
use ctxlens_core::tree::{ContextTree, Entry, EntryKind, NodeId, ROOT};
use ctxlens_core::treemap::{NestOptions, Rect, nested};

use crate::permalink;
use crate::protocol::{
    Builder, EditOut, ExplainOut, FolderEntry, InputInfo, InsightOut, LintOut, Payload, Problem, Request, RuleError,
    RuleRow, Share, Snapshot, SuggestionOut, TileOut, Totals, TreeRow, Treemap, View,
};

/// At most this many children of one directory are listed (the rest is one "more" row).
pub const MAX_CHILDREN: usize = 200;
/// At most this many tree rows are sent.
pub const MAX_ROWS: usize = 4000;
/// Insight (lints and suggestions, several evaluations) is computed for
/// inputs up to this many entries; beyond, the page says to use the CLI.
pub const MAX_INSIGHT_NODES: usize = 300_000;
/// Problems sent to the page.
const MAX_PROBLEMS: usize = 100;

/// Milliseconds since some origin (the worker passes `performance.now`).
pub type Clock = fn() -> f64;

fn no_clock() -> f64 {
    0.0
}

/// The parsed input and what is derived from it alone.
struct Input {
    rev: u64,
    format: Option<String>,
    tree: ContextTree,
    info: InputInfo,
    /// Walk order (pre-order, root excluded).
    order: Vec<NodeId>,
    /// Per node: file bytes below it (hard-linked data once), lower bounds.
    all_bytes: Vec<u64>,
    /// Per node: files below it.
    all_files: Vec<u32>,
    /// Per node: whether it is the first name of its data (hard links once).
    counts_data: Vec<bool>,
    /// Bounds of the whole input's file data (plus unlisted bytes).
    all_bounds: (u64, u64),
    /// The listing part of the permalink (computed after the first answer).
    share_listing: ShareListing,
    /// The format name to put in the permalink (folders become a tar listing).
    share_format: Option<String>,
}

/// The listing part of the permalink, computed lazily: compressing a few MB
/// takes longer than evaluating, and the figures come first.
enum ShareListing {
    /// No listing (empty input).
    Nothing,
    /// A listing to compress.
    Text(String),
    /// A folder to describe as a `tar -tv` listing, then compress.
    Folder(Vec<FolderEntry>),
    /// Being compressed.
    Deflating(Box<permalink::PartEncoder>),
    /// The encoded part.
    Ready(String),
    /// Why the link carries the rules only.
    Unavailable(String),
}

impl ShareListing {
    fn of_text(text: String) -> ShareListing {
        if text.len() > permalink::MAX_LISTING_BYTES {
            ShareListing::Unavailable(too_large(text.len()))
        } else {
            ShareListing::Text(text)
        }
    }

    fn pending(&self) -> bool {
        matches!(self, ShareListing::Text(_) | ShareListing::Folder(_) | ShareListing::Deflating(_))
    }
}

fn too_large(len: usize) -> String {
    format!(
        "the listing ({}) is too large to put in a link; the link carries the rules only",
        crate::fmt::bytes(len as u64)
    )
}

/// One evaluation of the rules on the input.
struct Eval {
    rules_text: String,
    builder: Builder,
    /// The rules as Docker reads them (with the lines Docker rejects removed).
    set: Option<RuleSet>,
    /// The bytes given to the classic builder (rejected lines blanked).
    sanitized: Vec<u8>,
    rule_errors: Vec<RuleError>,
    transfer: Transfer,
    classic: Option<ClassicBuild>,
    /// Per node: sent by the selected builder.
    sent: Vec<bool>,
    /// Per node: sent file bytes below it.
    sent_bytes: Vec<u64>,
    /// Per node: sent files below it.
    sent_files: Vec<u32>,
    /// Per node: index of the rule that decided it (BuildKit's verdicts).
    decided: Vec<Option<u32>>,
    totals: Totals,
    rows: Vec<RuleRow>,
    build_error: Option<String>,
    eval_ms: f64,
    insight: Option<InsightOut>,
}

/// What the worker keeps between requests.
pub struct Engine {
    input: Option<Input>,
    eval: Option<Eval>,
    clock: Clock,
    /// `(phase, clock at its end)` since the last [`Engine::take_marks`].
    marks: Vec<(&'static str, f64)>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(no_clock)
    }
}

/// The outcome of [`Engine::handle`].
#[derive(Debug)]
pub enum Handled {
    /// The answer; `savings_pending` says whether [`Engine::saving`] should follow.
    Snapshot(Box<crate::protocol::Snapshot>),
    /// The request is about an input revision the engine does not have.
    NeedInput,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A folder as a GNU `tar -tv` listing: exact sizes, explicit types, any
/// name (escaped as GNU tar does). This is what a permalink carries for a folder.
pub fn folder_as_tar_listing(entries: &[FolderEntry]) -> String {
    let mut out = String::with_capacity(entries.len() * 64);
    out.push_str("drwxr-xr-x 0/0 0 2000-01-01 00:00 ./\n");
    for e in entries {
        let mut name = String::with_capacity(e.path.len() + 3);
        name.push_str("./");
        for c in e.path.chars() {
            match c {
                '\\' => name.push_str("\\\\"),
                c if (c as u32) < 0x20 || c == '\x7f' => name.push_str(&format!("\\{:03o}", c as u32)),
                c => name.push(c),
            }
        }
        if e.dir {
            out.push_str(&format!("drwxr-xr-x 0/0 0 2000-01-01 00:00 {name}/\n"));
        } else {
            out.push_str(&format!("-rw-r--r-- 0/0 {} 2000-01-01 00:00 {name}\n", e.size));
        }
    }
    out
}

/// Adds every node's own value to its ancestors (children come after their
/// parent in `order`, so a reverse pass sums bottom-up).
/// Both arrays in one pass (a million-node walk costs tens of ms in the browser).
fn accumulate(tree: &ContextTree, order: &[NodeId], bytes: &mut [u64], files: &mut [u32]) {
    for &id in order.iter().rev() {
        let (i, p) = (id as usize, tree.parent(id) as usize);
        let (b, f) = (bytes[i], files[i]);
        bytes[p] += b;
        files[p] += f;
    }
}

fn rules_with_errors_removed(text: &str) -> (Option<RuleSet>, Vec<u8>, Vec<RuleError>) {
    let mut bytes = text.as_bytes().to_vec();
    let mut errors = Vec::new();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return (None, bytes, errors);
    }
    for _ in 0..1000 {
        match RuleSet::parse(&bytes) {
            Ok(set) => return (Some(set), bytes, errors),
            Err(e) => {
                let line = e.line();
                errors.push(RuleError { line: line as u64, message: e.to_string() });
                // Blank the offending line (keep the numbering) and try again.
                let mut start = 0;
                for _ in 1..line {
                    match bytes[start..].iter().position(|&b| b == b'\n') {
                        Some(i) => start += i + 1,
                        None => break,
                    }
                }
                let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| start + i);
                bytes.drain(start..end);
            }
        }
    }
    (None, bytes, errors)
}

impl Engine {
    /// An engine timing itself with `clock`.
    pub fn new(clock: Clock) -> Engine {
        Engine { input: None, eval: None, clock, marks: Vec::new() }
    }

    fn mark(&mut self, phase: &'static str) {
        let t = (self.clock)();
        self.marks.push((phase, t));
    }

    /// The phases timed since the last call: `(phase, clock at its end)`.
    pub fn take_marks(&mut self) -> Vec<(&'static str, f64)> {
        std::mem::take(&mut self.marks)
    }

    /// Revision of the input held, if any.
    pub fn input_rev(&self) -> Option<u64> {
        self.input.as_ref().map(|i| i.rev)
    }

    /// Reads the input of revision `rev`.
    pub fn load(&mut self, rev: u64, format: Option<String>, payload: Payload) {
        let t0 = (self.clock)();
        let mut info = InputInfo::default();
        let (tree, share_listing, share_format) = match payload {
            Payload::Listing { text } => {
                if text.trim().is_empty() {
                    info.kind = "empty".into();
                    (ContextTree::new(), ShareListing::Nothing, None)
                } else {
                    info.kind = "listing".into();
                    let fmt = format.as_deref().and_then(ListingFormat::from_name);
                    let parsed = listing::parse_listing(text.as_bytes(), fmt);
                    self.mark("parse");
                    let share = ShareListing::of_text(text);
                    match parsed {
                        Ok(l) => {
                            info.format = l.format.name().into();
                            info.format_description = l.format.description().into();
                            info.sizes = l.sizes.name().into();
                            info.directories_only = l.directories_only;
                            info.records = l.records as u64;
                            info.problems_total = l.problems_total as u64;
                            info.problems = l
                                .problems
                                .iter()
                                .take(MAX_PROBLEMS)
                                .map(|p| Problem {
                                    line: p.line as u64,
                                    text: p.text.clone(),
                                    message: p.message.clone(),
                                })
                                .collect();
                            info.notes = l.notes.clone();
                            (l.tree, share, format.clone())
                        }
                        Err(e) => {
                            info.error = Some(e.to_string());
                            (ContextTree::new(), share, format.clone())
                        }
                    }
                }
            }
            Payload::Folder { name, entries } => {
                info.kind = "folder".into();
                info.format = "folder".into();
                info.format_description = format!("folder `{name}`, read in the browser (File.size: apparent bytes)");
                info.sizes = "apparent".into();
                info.records = entries.len() as u64;
                let mut tree = ContextTree::new();
                for (i, e) in entries.iter().enumerate() {
                    let entry = if e.dir { Entry::dir() } else { Entry::file(e.size) };
                    if let Err(err) = tree.insert(e.path.as_bytes(), entry) {
                        info.problems_total += 1;
                        if info.problems.len() < MAX_PROBLEMS {
                            info.problems.push(Problem {
                                line: i as u64 + 1,
                                text: e.path.clone(),
                                message: err.to_string(),
                            });
                        }
                    }
                }
                tree.finish();
                (tree, ShareListing::Folder(entries), Some("tar".to_string()))
            }
        };
        let order: Vec<NodeId> = tree.walk().collect();
        let n = tree.len();
        let mut all_bytes = vec![0u64; n];
        let mut all_files = vec![0u32; n];
        let mut counts_data = vec![false; n];
        let (mut lo, mut hi) = (0u64, 0u64);
        let mut groups = HashSet::new();
        // Bytes a listing attributes to a directory without naming its files
        // count as the directory's own (at their lower bound, as the CLI does).
        let (lo_root, hi_root) = tree.unlisted(ROOT);
        lo += lo_root;
        hi += hi_root;
        all_bytes[ROOT as usize] = lo_root;
        for &id in &order {
            match tree.kind(id) {
                EntryKind::File => {
                    info.files += 1;
                    let g = tree.link_group(id);
                    if g == 0 || groups.insert(g) {
                        counts_data[id as usize] = true;
                        let (a, b) = tree.size_bounds(id);
                        all_bytes[id as usize] = a;
                        all_files[id as usize] = 1;
                        lo = lo.saturating_add(a);
                        hi = hi.saturating_add(b);
                    }
                }
                EntryKind::Dir => {
                    info.dirs += 1;
                    let (a, b) = tree.unlisted(id);
                    all_bytes[id as usize] = a;
                    lo = lo.saturating_add(a);
                    hi = hi.saturating_add(b);
                }
                EntryKind::Symlink => info.symlinks += 1,
                EntryKind::Other => {}
            }
        }
        accumulate(&tree, &order, &mut all_bytes, &mut all_files);
        info.parse_ms = (self.clock)() - t0;
        self.mark("derive");
        self.input = Some(Input {
            rev,
            format,
            tree,
            info,
            order,
            all_bytes,
            all_files,
            counts_data,
            all_bounds: (lo, hi),
            share_listing,
            share_format,
        });
        self.eval = None;
    }

    /// Evaluates `rules` for `builder` unless that evaluation is cached.
    fn evaluate(&mut self, rules: &str, builder: Builder) {
        if self.eval.as_ref().is_some_and(|e| e.rules_text == rules && e.builder == builder) {
            return;
        }
        let Some(input) = &self.input else { return };
        let t0 = (self.clock)();
        let clock = self.clock;
        let mut marks = Vec::new();
        let mut mark = |phase| marks.push((phase, clock()));
        let tree = &input.tree;
        mark("start");
        let (set, sanitized, rule_errors) = rules_with_errors_removed(rules);
        mark("ruleset");
        let main = transfer(tree, &TransferOptions { rules: set.as_ref(), follow_paths: None });
        mark("transfer");
        let n = tree.len();
        let mut sent = vec![false; n];
        let mut sent_bytes = vec![0u64; n];
        let mut sent_files = vec![0u32; n];
        let classic = (builder == Builder::Classic).then(|| {
            classic_build(
                tree,
                &ClassicOptions {
                    dockerignore: (!rules.trim().is_empty()).then_some(&sanitized[..]),
                    dockerfile: None,
                    unreadable: &[],
                },
            )
        });
        let mut totals = Totals::default();
        let mut undecided = BTreeSet::new();
        match &classic {
            None => {
                for e in &main.entries {
                    sent[e.node as usize] = true;
                    if matches!(e.kind, SentKind::File) {
                        sent_bytes[e.node as usize] = tree.size(e.node);
                        sent_files[e.node as usize] = 1;
                    }
                }
                mark("sent");
                let (estimate, lo, hi, lines) = bounds(tree, set.as_ref(), &main);
                mark("bounds");
                if tree.has_uncertainty() {
                    // Unlisted bytes of sent directories count as sent, as in the estimate.
                    for &id in &input.order {
                        if tree.kind(id) == EntryKind::Dir
                            && matches!(
                                main.verdict(id).state,
                                NodeState::Sent | NodeState::SentForDescendant | NodeState::Empty
                            )
                        {
                            sent_bytes[id as usize] += tree.unlisted(id).0;
                        }
                    }
                }
                totals.context_bytes = estimate;
                totals.bytes_min = lo;
                totals.bytes_max = hi;
                undecided = lines;
                totals.context_files = main.totals.files;
                totals.entries = main.totals.entries;
                let w = wire(tree, &main);
                totals.wire_cold = Some(w.cold_bytes_estimate);
                totals.wire_warm = Some(w.warm_bytes_estimate);
                mark("wire");
            }
            Some(c) => {
                for e in &c.entries {
                    sent[e.node as usize] = true;
                    if e.kind == TarKind::File {
                        sent_bytes[e.node as usize] = e.size;
                        sent_files[e.node as usize] = 1;
                        totals.context_files += 1;
                    }
                }
                totals.context_bytes = c.file_bytes;
                totals.bytes_min = c.file_bytes;
                totals.bytes_max = c.file_bytes;
                totals.entries = c.entries.len() as u64;
                totals.tar_bytes = Some(c.tar_bytes);
            }
        }
        accumulate(tree, &input.order, &mut sent_bytes, &mut sent_files);
        mark("accumulate");
        totals.all_bytes = input.all_bytes[ROOT as usize];
        totals.all_files = u64::from(input.all_files[ROOT as usize]);
        totals.all_bytes_min = input.all_bounds.0;
        totals.all_bytes_max = input.all_bounds.1;
        totals.excluded_bytes = totals.all_bytes.saturating_sub(totals.context_bytes);
        totals.excluded_files = totals.all_files.saturating_sub(totals.context_files);

        // The rule that decided each node, exactly as `ctxlens --json` attributes it.
        // The kept walk order saves the core a walk of the tree.
        let decided = deciding_rules_in(tree, input.order.iter().copied(), &main);
        mark("decide");
        let mut rows = Vec::new();
        if let Some(set) = &set {
            let mut per_rule = vec![(0u64, 0u64); set.rules().len()];
            for &id in &input.order {
                if tree.kind(id) != EntryKind::File || sent[id as usize] || !input.counts_data[id as usize] {
                    continue;
                }
                if let Some(r) = decided[id as usize] {
                    per_rule[r as usize].0 += 1;
                    per_rule[r as usize].1 += tree.size(id);
                }
            }
            for (i, r) in set.rules().iter().enumerate() {
                rows.push(RuleRow {
                    line: r.line as u64,
                    text: r.text.clone(),
                    pattern: r.pattern.clone(),
                    exception: r.exception,
                    excluded_files: per_rule[i].0,
                    excluded_bytes: per_rule[i].1,
                    saving_bytes: None,
                    saving_files: None,
                    uncertain: undecided.contains(&(r.line as u64)),
                });
            }
        }
        let build_error = match &classic {
            Some(c) => c.error.as_ref().map(|e| e.message.clone()),
            None => main.error.as_ref().map(|e| e.to_string()),
        };
        mark("rules");
        let eval_ms = (self.clock)() - t0;
        self.marks.extend(marks);
        self.eval = Some(Eval {
            rules_text: rules.to_string(),
            builder,
            set,
            sanitized,
            rule_errors,
            transfer: main,
            classic,
            sent,
            sent_bytes,
            sent_files,
            decided,
            totals,
            rows,
            build_error,
            eval_ms,
            insight: None,
        });
    }

    /// Answers a request. `payload` is the input when the request brings one.
    pub fn handle(&mut self, req: &Request, payload: Option<Payload>) -> Handled {
        match payload {
            Some(p) => {
                if self.input_rev() != Some(req.input_rev)
                    || self.input.as_ref().is_some_and(|i| i.format != req.format)
                {
                    self.load(req.input_rev, req.format.clone(), p);
                }
            }
            None => {
                if self.input_rev() != Some(req.input_rev) {
                    return Handled::NeedInput;
                }
                if self.input.as_ref().is_some_and(|i| i.format != req.format) {
                    return Handled::NeedInput;
                }
            }
        }
        let fresh_parse = self.eval.is_none();
        let cached =
            !fresh_parse && self.eval.as_ref().is_some_and(|e| e.rules_text == req.rules && e.builder == req.builder);
        self.evaluate(&req.rules, req.builder);
        let mut snap = self.snapshot(req.id, &req.view);
        self.mark("snapshot");
        if cached {
            snap.eval_ms = 0.0;
        }
        if !fresh_parse {
            snap.input.parse_ms = 0.0;
        }
        Handled::Snapshot(Box::new(snap))
    }

    /// Number of rules whose saving [`saving`](Self::saving) can compute.
    pub fn rule_count(&self) -> usize {
        self.eval.as_ref().map_or(0, |e| e.rows.len())
    }

    /// The marginal saving of rule `i` (0-based): context bytes and files
    /// without it minus with it — one more evaluation, exactly as
    /// `report::build_report` computes it.
    pub fn saving(&mut self, i: usize) -> Option<(i64, i64)> {
        let input = self.input.as_ref()?;
        let eval = self.eval.as_mut()?;
        let set = eval.set.as_ref()?;
        let rule = set.rules().get(i)?;
        let (bytes, files) = match eval.builder {
            Builder::Buildkit => {
                // `without` shares the compiled patterns: no regexp is built again.
                let s = set.without(i);
                let t = transfer(&input.tree, &TransferOptions { rules: Some(&s), follow_paths: None });
                // Like with like: the same estimate as the context figure.
                (bounds(&input.tree, Some(&s), &t).0, t.totals.files)
            }
            Builder::Classic => {
                let text = blank_line(&eval.sanitized, rule.line);
                let c = classic_build(
                    &input.tree,
                    &ClassicOptions { dockerignore: Some(&text), dockerfile: None, unreadable: &[] },
                );
                let files = c.entries.iter().filter(|e| e.kind == TarKind::File).count() as u64;
                (c.file_bytes, files)
            }
        };
        let s = (bytes as i64 - eval.totals.context_bytes as i64, files as i64 - eval.totals.context_files as i64);
        if let Some(row) = eval.rows.get_mut(i) {
            row.saving_bytes = Some(s.0);
            row.saving_files = Some(s.1);
        }
        Some(s)
    }

    fn node_state(&self, id: NodeId) -> &'static str {
        let (Some(input), Some(eval)) = (&self.input, &self.eval) else {
            return "in";
        };
        let i = id as usize;
        if input.tree.kind(id) != EntryKind::Dir {
            return if eval.sent[i] { "in" } else { "out" };
        }
        // Files and bytes both: a listing of directories only has bytes but no files.
        let all = (input.all_files[i], input.all_bytes[i]);
        let sent = (eval.sent_files[i], eval.sent_bytes[i]);
        if sent == all && (eval.sent[i] || id == ROOT) {
            "in"
        } else if sent == (0, 0) && !eval.sent[i] {
            "out"
        } else {
            "partial"
        }
    }

    fn rule_line(&self, id: NodeId) -> Option<u64> {
        let eval = self.eval.as_ref()?;
        let set = eval.set.as_ref()?;
        if eval.sent[id as usize] {
            return None;
        }
        let r = eval.decided[id as usize]?;
        set.rules().get(r as usize).map(|r| r.line as u64)
    }

    /// Children sorted by size (largest first), then by name.
    fn sorted_children(&self, dir: NodeId) -> Vec<NodeId> {
        let Some(input) = &self.input else {
            return Vec::new();
        };
        let mut kids = input.tree.children(dir).to_vec();
        kids.sort_by(|&a, &b| {
            input.all_bytes[b as usize]
                .cmp(&input.all_bytes[a as usize])
                .then_with(|| input.tree.name(a).cmp(input.tree.name(b)))
        });
        kids
    }

    fn row(&self, id: NodeId, depth: u32, expanded: &HashSet<u32>) -> TreeRow {
        let input = self.input.as_ref().expect("rows need an input");
        let eval = self.eval.as_ref().expect("rows need an evaluation");
        let tree = &input.tree;
        let i = id as usize;
        let is_dir = tree.kind(id) == EntryKind::Dir;
        TreeRow {
            node: id,
            depth,
            name: lossy(tree.name(id)),
            kind: kind_name(tree.kind(id)).into(),
            bytes: input.all_bytes[i],
            sent_bytes: eval.sent_bytes[i],
            files: u64::from(input.all_files[i]),
            sent_files: u64::from(eval.sent_files[i]),
            state: self.node_state(id).into(),
            rule_line: self.rule_line(id),
            expandable: is_dir && !tree.children(id).is_empty(),
            expanded: is_dir && expanded.contains(&id),
        }
    }

    fn push_rows(&self, dir: NodeId, depth: u32, expanded: &HashSet<u32>, out: &mut Vec<TreeRow>) {
        let kids = self.sorted_children(dir);
        let input = self.input.as_ref().expect("rows need an input");
        let eval = self.eval.as_ref().expect("rows need an evaluation");
        for (k, &id) in kids.iter().enumerate() {
            if k == MAX_CHILDREN || out.len() >= MAX_ROWS {
                let rest = &kids[k..];
                let sum = |v: &dyn Fn(usize) -> u64| rest.iter().map(|&r| v(r as usize)).sum::<u64>();
                out.push(TreeRow {
                    node: dir,
                    depth,
                    name: format!("{} more", rest.len()),
                    kind: "more".into(),
                    bytes: sum(&|r| input.all_bytes[r]),
                    sent_bytes: sum(&|r| eval.sent_bytes[r]),
                    files: sum(&|r| u64::from(input.all_files[r])),
                    sent_files: sum(&|r| u64::from(eval.sent_files[r])),
                    state: "partial".into(),
                    rule_line: None,
                    expandable: false,
                    expanded: false,
                });
                return;
            }
            let row = self.row(id, depth, expanded);
            let open = row.expanded;
            out.push(row);
            if open {
                self.push_rows(id, depth + 1, expanded, out);
            }
        }
    }

    fn treemap(&self, view: &View) -> Treemap {
        let Some(input) = &self.input else {
            return Treemap::default();
        };
        let Some(eval) = &self.eval else {
            return Treemap::default();
        };
        let tree = &input.tree;
        let zoom =
            if (view.zoom as usize) < tree.len() && tree.kind(view.zoom) == EntryKind::Dir { view.zoom } else { ROOT };
        let mut crumbs = Vec::new();
        let mut cur = zoom;
        while cur != ROOT {
            crumbs.push((cur, lossy(tree.name(cur))));
            cur = tree.parent(cur);
        }
        crumbs.push((ROOT, ".".into()));
        crumbs.reverse();
        let (w, h) = (view.treemap_w.clamp(100, 4000), view.treemap_h.clamp(80, 4000));
        let opts = NestOptions { max_depth: 3, min_side: 40.0, header: 16.0, padding: 2.0, min_area: 10.0 };
        let tiles = nested(zoom, Rect::new(0.0, 0.0, f64::from(w), f64::from(h)), &opts, |n| {
            if tree.kind(n) != EntryKind::Dir {
                return Vec::new();
            }
            tree.children(n).iter().map(|&c| (c, input.all_bytes[c as usize])).collect()
        });
        let tiles = tiles
            .into_iter()
            .take(1500)
            .map(|t| TileOut {
                node: t.node,
                x: t.rect.x as f32,
                y: t.rect.y as f32,
                w: t.rect.w as f32,
                h: t.rect.h as f32,
                depth: t.depth,
                name: lossy(tree.name(t.node)),
                bytes: input.all_bytes[t.node as usize],
                sent_bytes: eval.sent_bytes[t.node as usize],
                dir: tree.kind(t.node) == EntryKind::Dir,
                subdivided: t.subdivided,
            })
            .collect();
        Treemap { root: zoom, crumbs, tiles, w, h }
    }

    fn explain_node(&self, id: NodeId) -> Option<ExplainOut> {
        let input = self.input.as_ref()?;
        let eval = self.eval.as_ref()?;
        if id == ROOT || id as usize >= input.tree.len() {
            return None;
        }
        let path = input.tree.path(id);
        let mut e = explain(&input.tree, eval.set.as_ref(), &eval.transfer, &path);
        if eval.classic.is_some() {
            let classic_sent = eval.sent[id as usize];
            if classic_sent != e.sent {
                e.hints.insert(
                    0,
                    format!(
                        "the classic builder {} it, unlike BuildKit: {}",
                        if classic_sent { "sends" } else { "does not send" },
                        if classic_sent {
                            "it tars every directory it enters"
                        } else {
                            "it enters an excluded directory only when an exception's text starts with that \
                             directory's path, so wildcard exceptions cannot rescue files inside it"
                        }
                    ),
                );
            }
        }
        Some(ExplainOut {
            node: id,
            path: e.path,
            sent: eval.sent[id as usize],
            reason: e.reason.to_string(),
            rule: e.rule.map(|r| (r.line as u64, r.text)),
            message: e.message,
            hints: e.hints,
            bytes: input.all_bytes[id as usize],
            sent_bytes: eval.sent_bytes[id as usize],
        })
    }

    /// The permalink of the current state (rules only while the listing part is pending).
    pub fn share(&self) -> Share {
        let (Some(input), Some(eval)) = (&self.input, &self.eval) else {
            return Share::default();
        };
        let rules = permalink::encode_part(eval.rules_text.as_bytes());
        let (listing, note) = match &input.share_listing {
            ShareListing::Ready(p) => (Some(p.as_str()), None),
            ShareListing::Unavailable(e) => (None, Some(e.clone())),
            _ => (None, None),
        };
        let format = listing.and(input.share_format.as_deref());
        let fragment = permalink::fragment(eval.builder, format, &rules, listing);
        Share { fragment, has_listing: listing.is_some(), note, pending: input.share_listing.pending() }
    }

    /// Whether the listing part of the permalink still has to be computed.
    pub fn share_pending(&self) -> bool {
        self.input.as_ref().is_some_and(|i| i.share_listing.pending())
    }

    /// Compresses the listing for the permalink (the worker does it after
    /// answering, so the figures never wait for it).
    pub fn prepare_share(&mut self) {
        while !self.prepare_share_step(usize::MAX) {}
    }

    /// Compresses up to `chunk` more bytes of the listing for the permalink;
    /// `true` once nothing is left to do.
    pub fn prepare_share_step(&mut self, chunk: usize) -> bool {
        let Some(input) = self.input.as_mut() else { return true };
        let mut enc = match std::mem::replace(&mut input.share_listing, ShareListing::Nothing) {
            ShareListing::Text(t) => Box::new(permalink::PartEncoder::new(t.into_bytes())),
            ShareListing::Folder(entries) => {
                let text = folder_as_tar_listing(&entries);
                if text.len() > permalink::MAX_LISTING_BYTES {
                    input.share_listing = ShareListing::Unavailable(too_large(text.len()));
                    return true;
                }
                Box::new(permalink::PartEncoder::new(text.into_bytes()))
            }
            ShareListing::Deflating(e) => e,
            other => {
                input.share_listing = other;
                return true;
            }
        };
        input.share_listing = match enc.step(chunk) {
            None => ShareListing::Deflating(enc),
            Some(part) if part.len() > permalink::MAX_LISTING_CHARS => ShareListing::Unavailable(
                "the compressed listing is too long for a link; the link carries the rules only".into(),
            ),
            Some(part) => ShareListing::Ready(part),
        };
        !input.share_listing.pending()
    }

    /// What the page shows for the current input and evaluation.
    pub fn snapshot(&self, id: u64, view: &View) -> Snapshot {
        let (Some(input), Some(eval)) = (&self.input, &self.eval) else {
            return Snapshot { id, ..Snapshot::default() };
        };
        let expanded: HashSet<u32> = view.expanded.iter().copied().collect();
        let mut tree = Vec::new();
        if input.info.error.is_none() {
            self.push_rows(ROOT, 1, &expanded, &mut tree);
        }
        Snapshot {
            id,
            input_rev: input.rev,
            builder: eval.builder,
            input: input.info.clone(),
            totals: eval.totals,
            rules: eval.rows.clone(),
            rule_errors: eval.rule_errors.clone(),
            build_error: eval.build_error.clone(),
            tree,
            treemap: self.treemap(view),
            explain: view.selected.and_then(|n| self.explain_node(n)),
            share: self.share(),
            eval_ms: eval.eval_ms,
            savings_pending: eval.rows.iter().any(|r| r.saving_bytes.is_none()),
            insight: eval.insight.clone(),
            timings: Vec::new(),
        }
    }

    /// Whether lints and suggestions still have to be computed.
    pub fn insight_pending(&self) -> bool {
        self.eval.as_ref().is_some_and(|e| e.insight.is_none())
    }

    /// Lints and suggestions for the current rules (`ctxlens_core::insight`,
    /// as the CLI computes them without a Dockerfile), cached.
    pub fn insight(&mut self) -> Option<InsightOut> {
        let input = self.input.as_ref()?;
        let eval = self.eval.as_mut()?;
        if let Some(i) = &eval.insight {
            return Some(i.clone());
        }
        let out = if input.info.error.is_some() || input.tree.is_empty() {
            InsightOut::default()
        } else if input.tree.len() > MAX_INSIGHT_NODES {
            InsightOut {
                skipped: Some(format!(
                    "Checks and suggestions are skipped above {} entries (each needs several evaluations); \
                     `ctxlens --listing FILE` prints them",
                    crate::fmt::count(MAX_INSIGHT_NODES as u64)
                )),
                ..InsightOut::default()
            }
        } else {
            let i = insight(&InsightInput::new(&input.tree, eval.set.as_ref(), &eval.transfer));
            let edit = |e: &ctxlens_core::insight::Edit| EditOut {
                action: serde_name(&e.action),
                line: e.line.map(|l| l as u64),
                text: e.text.clone(),
                after: e.after.map(|l| l as u64),
            };
            InsightOut {
                lints: i
                    .lints
                    .iter()
                    .map(|l| LintOut {
                        line: l.line.map(|x| x as u64),
                        code: l.code.to_string(),
                        severity: serde_name(&l.severity),
                        message: l.message.clone(),
                        paths: l.paths.clone(),
                        path_count: l.path_count,
                        bytes: l.bytes,
                    })
                    .collect(),
                suggestions: i
                    .suggestions
                    .iter()
                    .map(|x| SuggestionOut {
                        rule: x.rule.clone(),
                        saving_bytes: x.saving_bytes,
                        saving_files: x.saving_files,
                        reason: x.reason.clone(),
                        kind: x.kind.to_string(),
                        edit: edit(&x.edit),
                    })
                    .collect(),
                skipped: None,
            }
        };
        eval.insight = Some(out.clone());
        Some(out)
    }

    /// Computes every missing saving (what the worker does step by step).
    pub fn all_savings(&mut self) -> Vec<(u32, i64, i64)> {
        (0..self.rule_count()).filter_map(|i| self.saving(i).map(|(b, f)| (i as u32, b, f))).collect()
    }

    /// Whether rule `i` still needs its saving computed.
    pub fn saving_missing(&self, i: usize) -> bool {
        self.eval.as_ref().and_then(|e| e.rows.get(i)).is_some_and(|r| r.saving_bytes.is_none())
    }

    /// The evaluated rules' Docker view (for tests).
    pub fn rule_set(&self) -> Option<&RuleSet> {
        self.eval.as_ref().and_then(|e| e.set.as_ref())
    }

    /// The tree held (for tests).
    pub fn tree(&self) -> Option<&ContextTree> {
        self.input.as_ref().map(|i| &i.tree)
    }

    /// Looks a node up by path (for tests and the page's "explain a path" box).
    pub fn lookup(&self, path: &str) -> Option<u32> {
        self.input.as_ref()?.tree.lookup(path.trim_start_matches("./").as_bytes())
    }
}

/// The name serde gives a unit enum variant (what `ctxlens --json` prints),
/// through the JSON writer the worker has anyway rather than `serde_json::Value`.
fn serde_name(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).map(|s| s.trim_matches('"').to_string()).unwrap_or_default()
}

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::File => "file",
        EntryKind::Dir => "dir",
        EntryKind::Symlink => "symlink",
        EntryKind::Other => "other",
    }
}

fn blank_line(text: &[u8], line: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for (i, l) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if i + 1 != line {
            out.extend_from_slice(l);
        }
    }
    out
}

/// Context bytes when the input is not exact: `(estimate, min, max, lines of
/// the rules that could not be decided)`, from the core's `report::bounds` —
/// the same function the CLI's report uses.
fn bounds(tree: &ContextTree, rules: Option<&RuleSet>, t: &Transfer) -> (u64, u64, u64, BTreeSet<u64>) {
    if !tree.has_uncertainty() {
        let exact = t.totals.file_bytes;
        return (exact, exact, exact, BTreeSet::new());
    }
    let b = ctxlens_core::report::bounds(tree, rules, t);
    (b.estimate, b.min, b.max, b.undecided_rules.into_iter().map(|l| l as u64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ctxlens_core::report::{IgnoreSource, build_report};

    const DU: &str = include_str!("../assets/monorepo-du-ab.txt");
    const RULES: &str = include_str!("../assets/monorepo.dockerignore");

    fn req(id: u64, rules: &str) -> Request {
        Request {
            id,
            input_rev: 1,
            format: None,
            rules: rules.into(),
            builder: Builder::Buildkit,
            view: View { treemap_w: 800, treemap_h: 500, ..View::default() },
        }
    }

    fn snap(e: &mut Engine, r: &Request, p: Option<Payload>) -> Snapshot {
        match e.handle(r, p) {
            Handled::Snapshot(s) => *s,
            Handled::NeedInput => panic!("input missing"),
        }
    }

    fn listing(text: &str) -> Option<Payload> {
        Some(Payload::Listing { text: text.into() })
    }

    #[test]
    fn deciding_rules_over_the_kept_order_match_the_core() {
        let l = listing::parse_listing(DU.as_bytes(), None).unwrap();
        let set = RuleSet::parse(format!("{RULES}mcp-gateway\n!mcp-gateway/src\n").as_bytes()).unwrap();
        let t = transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None });
        let order: Vec<NodeId> = l.tree.walk().collect();
        let ours = deciding_rules_in(&l.tree, order.iter().copied(), &t);
        assert_eq!(ours, ctxlens_core::report::deciding_rules(&l.tree, &t));
        assert!(ours.iter().filter(|r| r.is_some()).count() > 10);
    }

    #[test]
    fn agrees_with_the_cli_report_on_the_monorepo() {
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, RULES), listing(DU));
        assert_eq!(s.input.format, "du-b");
        assert_eq!(s.input.sizes, "apparent");
        let savings = e.all_savings();

        let l = listing::parse_listing(DU.as_bytes(), None).unwrap();
        let set = RuleSet::parse(RULES.as_bytes()).unwrap();
        let (report, _) = build_report(&l.tree, Some(&set), IgnoreSource::Explicit, None, None);
        assert_eq!(s.totals.context_bytes, report.context.bytes);
        assert_eq!(s.totals.context_files, report.context.files);
        assert_eq!(s.totals.excluded_bytes, report.excluded.bytes);
        assert_eq!(s.totals.excluded_files, report.excluded.files);
        assert_eq!((s.totals.bytes_min, s.totals.bytes_max), (report.context.bytes, report.context.bytes));
        assert_eq!(s.rules.len(), report.ignore.rules.len());
        for (row, want) in s.rules.iter().zip(&report.ignore.rules) {
            assert_eq!(row.line as usize, want.line);
            assert_eq!(row.excluded_bytes, want.excluded_bytes, "rule {}", want.text);
            assert_eq!(row.excluded_files, want.excluded_files, "rule {}", want.text);
        }
        for (i, b, f) in savings {
            let want = &report.ignore.rules[i as usize];
            assert_eq!((b, f), (want.saving_bytes, want.saving_files), "rule {}", want.text);
        }
        // The RCA's point: audit-results/ and the *.test binaries are still sent.
        assert!(s.totals.context_bytes > 500_000_000, "{}", s.totals.context_bytes);
    }

    #[test]
    fn lints_and_suggestions_for_the_monorepo() {
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, RULES), listing(DU));
        assert!(s.insight.is_none());
        assert!(e.insight_pending());
        let i = e.insight().unwrap();
        assert!(!e.insight_pending());
        // `coverage*.out` only matches at the root; `*.md` is dead apart from README.md ...
        assert!(i.lints.iter().any(|l| l.line.is_some()), "{:?}", i.lints);
        // ... and the RCA's missing rules are suggested with measured savings.
        let best = i.suggestions.iter().filter_map(|x| x.saving_bytes).max().unwrap_or(0);
        assert!(best > 250_000_000, "{:?}", i.suggestions);
        let s = e.snapshot(2, &View::default());
        assert_eq!(s.insight.as_ref(), Some(&i));
    }

    #[test]
    fn rule_edits_reuse_the_parsed_input() {
        let mut e = Engine::default();
        let a = snap(&mut e, &req(1, RULES), listing(DU));
        let b = snap(&mut e, &req(2, &format!("{RULES}audit-results/\n**/*.test\n")), None);
        assert!(b.totals.context_bytes < a.totals.context_bytes - 250_000_000);
        assert_eq!(b.input.parse_ms, 0.0);
        let n = b.rules.len();
        assert_eq!(b.rules[n - 2].pattern, "audit-results");
        assert!(b.rules[n - 2].excluded_bytes > 250_000_000);
        // A different revision without its text cannot be answered.
        let mut r = req(3, RULES);
        r.input_rev = 2;
        assert!(matches!(e.handle(&r, None), Handled::NeedInput));
    }

    #[test]
    fn rejected_lines_are_reported_and_skipped() {
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, ".git\n!\ncoverage*.out\n[\n"), listing(DU));
        let lines: Vec<u64> = s.rule_errors.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4]);
        let kept: Vec<u64> = s.rules.iter().map(|r| r.line).collect();
        assert_eq!(kept, [1, 3]);
    }

    #[test]
    fn tree_rows_sorted_by_size_and_expandable() {
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, RULES), listing(DU));
        let top: Vec<&str> = s.tree.iter().map(|r| r.name.as_str()).take(3).collect();
        assert_eq!(top, ["audit-results", "services", "test"]);
        assert!(s.tree.windows(2).all(|w| w[0].bytes >= w[1].bytes));
        let git = s.tree.iter().find(|r| r.name == ".git").unwrap();
        assert_eq!(git.state, "out");
        assert_eq!(git.rule_line, Some(RULES.lines().position(|l| l == ".git").unwrap() as u64 + 1));
        let services = s.tree.iter().find(|r| r.name == "services").unwrap().node;
        let mut r = req(2, RULES);
        r.view.expanded = vec![services];
        let s2 = snap(&mut e, &r, None);
        let i = s2.tree.iter().position(|r| r.node == services).unwrap();
        assert!(s2.tree[i].expanded);
        assert_eq!(s2.tree[i + 1].depth, 2);
        assert!(s2.tree.len() > s.tree.len());
    }

    #[test]
    fn treemap_zoom_and_explain() {
        let mut e = Engine::default();
        let mut r = req(1, RULES);
        let s = snap(&mut e, &r, listing(DU));
        assert!(!s.treemap.tiles.is_empty());
        assert!(s.treemap.tiles.iter().all(|t| t.x >= 0.0 && t.x + t.w <= 800.5 && t.y + t.h <= 500.5));
        assert_eq!(s.treemap.tiles[0].name, "audit-results");
        let node = e.lookup("mcp-gateway/node_modules").unwrap();
        r.view.zoom = e.lookup("mcp-gateway").unwrap();
        r.view.selected = Some(node);
        let s = snap(&mut e, &r, None);
        assert_eq!(s.treemap.crumbs.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), [".", "mcp-gateway"]);
        let ex = s.explain.unwrap();
        assert!(!ex.sent);
        assert_eq!(ex.rule.unwrap().1, "**/node_modules");
    }

    #[test]
    fn classic_builder_figures() {
        let mut e = Engine::default();
        let mut r = req(1, RULES);
        r.builder = Builder::Classic;
        let s = snap(&mut e, &r, listing(DU));
        let l = listing::parse_listing(DU.as_bytes(), None).unwrap();
        let c = classic_build(
            &l.tree,
            &ClassicOptions { dockerignore: Some(RULES.as_bytes()), dockerfile: None, unreadable: &[] },
        );
        assert_eq!(s.totals.tar_bytes, Some(c.tar_bytes));
        assert_eq!(s.totals.context_bytes, c.file_bytes);
        assert!(s.totals.tar_bytes.unwrap() > s.totals.context_bytes);
        let sv = e.all_savings();
        assert_eq!(sv.len(), s.rules.len());
    }

    #[test]
    fn permalink_restores_the_same_figures() {
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, RULES), listing(DU));
        assert!(s.share.pending && !s.share.has_listing, "the listing part comes after the figures");
        e.prepare_share();
        let s = snap(&mut e, &req(2, RULES), None);
        assert!(s.share.has_listing && !s.share.pending);
        let p = permalink::decode(&s.share.fragment).unwrap().unwrap();
        assert_eq!(p.rules, RULES);
        let mut e2 = Engine::default();
        let s2 = snap(&mut e2, &req(1, &p.rules), listing(p.listing.as_deref().unwrap()));
        assert_eq!(s2.totals, s.totals);
    }

    #[test]
    fn folders_become_trees_and_tar_listings() {
        let entries = vec![
            FolderEntry { path: "src".into(), dir: true, size: 0 },
            FolderEntry { path: "src/main.rs".into(), dir: false, size: 120 },
            FolderEntry { path: "empty".into(), dir: true, size: 0 },
            FolderEntry { path: "odd\\name\nwith newline.txt".into(), dir: false, size: 7 },
            FolderEntry { path: "node_modules/x/index.js".into(), dir: false, size: 5000 },
        ];
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, "node_modules\n"), Some(Payload::Folder { name: "app".into(), entries }));
        assert_eq!(s.input.kind, "folder");
        assert_eq!((s.totals.context_bytes, s.totals.context_files), (127, 2));
        assert_eq!(s.totals.excluded_bytes, 5000);
        // The permalink's tar listing reads back into the same context.
        e.prepare_share();
        let s = e.snapshot(2, &View::default());
        let p = permalink::decode(&s.share.fragment).unwrap().unwrap();
        assert_eq!(p.format.as_deref(), Some("tar"));
        let mut e2 = Engine::default();
        let mut r = req(1, "node_modules\n");
        r.format = p.format.clone();
        let s2 = snap(&mut e2, &r, listing(p.listing.as_deref().unwrap()));
        assert_eq!(s2.totals, s.totals, "{:?}", s2.input);
        assert!(e2.lookup("empty").is_some_and(|n| e2.tree().unwrap().kind(n) == EntryKind::Dir));
    }

    #[test]
    fn bad_and_empty_inputs() {
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, ""), listing("FROM alpine\nRUN echo hi\n"));
        assert!(s.input.error.is_some(), "{:?}", s.input);
        assert_eq!(s.totals.context_bytes, 0);
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, ""), listing("  \n"));
        assert_eq!(s.input.kind, "empty");
        assert!(s.tree.is_empty());
    }

    /// The page's figures equal `build_report`'s (what `ctxlens --json`
    /// prints) for every listing fixture, exact or not.
    #[test]
    fn agrees_with_the_cli_on_every_listing_fixture() {
        let rules = format!("{RULES}audit-results/\n**/*.test\n!services/gateway/bin\nsrc\n*/dist\n");
        let set = RuleSet::parse(rules.as_bytes()).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/inputs");
        let mut checked = 0;
        let mut bounded = 0;
        for tree_dir in std::fs::read_dir(&dir).unwrap().flatten().filter(|d| d.path().is_dir()) {
            let mut files: Vec<_> = std::fs::read_dir(tree_dir.path()).unwrap().flatten().map(|f| f.path()).collect();
            files.sort();
            for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "txt")) {
                let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
                let Ok(l) = listing::parse_listing(text.as_bytes(), None) else { continue };
                let (report, _) = build_report(&l.tree, Some(&set), IgnoreSource::Explicit, None, None);
                let mut e = Engine::default();
                let s = snap(&mut e, &req(1, &rules), listing(&text));
                e.all_savings();
                let s2 = e.snapshot(2, &View::default());
                let name = f.display().to_string();
                let c = &report.context;
                assert_eq!(
                    (s.totals.context_bytes, s.totals.bytes_min, s.totals.bytes_max),
                    (c.bytes, c.bytes_min, c.bytes_max),
                    "{name}"
                );
                assert_eq!(s.totals.context_files, c.files, "{name}");
                assert_eq!(
                    (s.totals.excluded_bytes, s.totals.excluded_files),
                    (report.excluded.bytes, report.excluded.files),
                    "{name}"
                );
                let undecided: Vec<usize> = s.rules.iter().filter(|r| r.uncertain).map(|r| r.line as usize).collect();
                assert_eq!(undecided, c.undecided_rules, "{name}");
                for (row, want) in s2.rules.iter().zip(&report.ignore.rules) {
                    assert_eq!(
                        (row.excluded_files, row.excluded_bytes),
                        (want.excluded_files, want.excluded_bytes),
                        "{name} {}",
                        want.text
                    );
                    assert_eq!(row.saving_bytes, Some(want.saving_bytes), "{name} {}", want.text);
                    assert_eq!(row.saving_files, Some(want.saving_files), "{name} {}", want.text);
                }
                checked += 1;
                bounded += usize::from(c.bytes_min != c.bytes_max);
            }
        }
        assert!(checked >= 40, "only {checked} fixtures read");
        assert!(bounded >= 5, "only {bounded} inexact fixtures");
    }

    #[test]
    fn directory_only_listings_give_bounds() {
        let du = include_str!("../../core/tests/fixtures/inputs/monorepo/du-sh-star.txt");
        let mut e = Engine::default();
        let s = snap(&mut e, &req(1, "audit-results/\n**/*.test\n"), listing(du));
        assert!(s.totals.bytes_min <= s.totals.context_bytes);
        assert!(s.totals.bytes_min < s.totals.bytes_max, "{:?} {:?}", s.totals, s.input);
        assert!(s.rules.iter().any(|r| r.uncertain), "`**/*.test` cannot be decided without file names");
        // Directories carry their unlisted bytes, so the tree and treemap are not empty.
        assert!(s.tree.iter().any(|r| r.name == "services" && r.bytes > 4_000_000), "{:?}", s.tree);
        assert!(!s.treemap.tiles.is_empty());
    }

    #[test]
    fn large_folders_and_many_children() {
        let entries: Vec<FolderEntry> =
            (0..1000).map(|i| FolderEntry { path: format!("d/f{i:04}"), dir: false, size: i }).collect();
        let mut e = Engine::default();
        let mut r = req(1, "");
        let s = snap(&mut e, &r, Some(Payload::Folder { name: "x".into(), entries }));
        r.view.expanded = vec![s.tree[0].node];
        let s = snap(&mut e, &r, None);
        assert_eq!(s.tree.len(), 1 + MAX_CHILDREN + 1);
        let more = s.tree.last().unwrap();
        assert_eq!(more.kind, "more");
        assert_eq!(more.name, "800 more");
        assert_eq!(s.tree[1].name, "f0999", "largest first");
    }
}
