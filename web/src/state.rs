//! The page's state and its reducer: every user action and worker reply is
//! an [`Action`]; [`State::reduce`] is a pure function, unit-tested natively.
//! Components only render a `State` and dispatch actions; one effect sends
//! [`State::request`] to the worker whenever [`State::seq`] changes.

use std::collections::BTreeSet;
use std::rc::Rc;

use crate::permalink::{self, Permalink};
use crate::protocol::{Builder, EditOut, FolderEntry, InsightOut, Payload, Request, Savings, Share, Snapshot, View};

/// The motivating monorepo's `du -ab` output, shown on first open.
pub const SAMPLE_LISTING: &str = include_str!("../assets/monorepo-du-ab.txt");
/// Its `.dockerignore` (the rules the RCA started from).
pub const SAMPLE_RULES: &str = include_str!("../assets/monorepo.dockerignore");

/// Listings longer than this (in bytes) are kept out of the text area: a
/// browser text area holding 100,000 lines takes seconds to lay out (40 s
/// for a million), so the page shows a summary and keeps the text in memory.
pub const SHOWN_LISTING_MAX: usize = 200_000;

/// Rule edits closer together than this form one edit: the delta shown is
/// measured from the figure before the first of them.
pub const EDIT_BURST_MS: f64 = 2000.0;

/// Where the listing came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Nothing yet.
    Empty,
    /// The built-in monorepo scenario.
    Sample,
    /// Typed or pasted.
    Pasted,
    /// A dropped or opened file.
    File(String),
    /// A dropped or picked folder, read in the browser.
    Folder {
        /// The folder's name.
        name: String,
        /// Its entries.
        entries: Rc<Vec<FolderEntry>>,
    },
    /// Restored from a permalink.
    Permalink,
}

impl Source {
    /// A short label for the input panel.
    pub fn label(&self) -> String {
        match self {
            Source::Empty => "nothing yet".into(),
            Source::Sample => "sample: the monorepo of the RCA (du -ab)".into(),
            Source::Pasted => "pasted".into(),
            Source::File(n) => format!("file {n}"),
            Source::Folder { name, entries } => {
                format!("folder {name} ({} entries, read locally)", crate::fmt::count(entries.len() as u64))
            }
            Source::Permalink => "from the link".into(),
        }
    }

    /// Whether the input is a folder (the listing text area is then unused).
    pub fn is_folder(&self) -> bool {
        matches!(self, Source::Folder { .. })
    }
}

/// A listing too large to copy through the page's memory: the browser keeps
/// the text (a JS string) and hands it straight to the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stashed {
    /// The key of the text in the page's stash (see `bridge::stash`).
    pub key: u64,
    /// Its length in bytes (UTF-16 units: equal for ASCII listings).
    pub bytes: u64,
}

/// An ignore file found in a dropped folder.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreChoice {
    /// Its path in the folder (`.dockerignore`, `Dockerfile.dockerignore`, ...).
    pub name: String,
    /// Its text.
    pub text: Rc<str>,
}

/// A dropped folder being read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loading {
    /// The folder's name.
    pub name: String,
    /// Files found so far.
    pub files: u64,
    /// Directories found so far.
    pub dirs: u64,
    /// Bytes found so far.
    pub bytes: u64,
}

/// A message above the panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Error (red) or information.
    pub error: bool,
    /// The text.
    pub text: String,
}

/// Colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the system.
    #[default]
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The next theme of the toggle: auto → light → dark → auto.
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }

    /// Its name (stored locally, used as the `data-theme` attribute).
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Parses [`name`](Self::name).
    pub fn from_name(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }
}

/// The figure an edit is measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// Context bytes before the edit.
    pub bytes: u64,
    /// Context files before the edit.
    pub files: u64,
    /// The rules before the edit.
    pub rules: Rc<str>,
    /// The builder before the edit.
    pub builder: Builder,
}

/// Everything the page knows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The listing text (unused for folders).
    pub listing: Rc<str>,
    /// Its number of lines.
    pub listing_lines: u64,
    /// A large listing kept outside (then `listing` is empty).
    pub stashed: Option<Stashed>,
    /// Where the input came from.
    pub source: Source,
    /// Bumped whenever the input changes (the worker re-parses).
    pub input_rev: u64,
    /// A listing-format override.
    pub format: Option<String>,
    /// The rules text.
    pub rules: Rc<str>,
    /// The builder.
    pub builder: Builder,
    /// Expanded tree nodes.
    pub expanded: BTreeSet<u32>,
    /// Treemap zoom.
    pub zoom: u32,
    /// Explained node.
    pub selected: Option<u32>,
    /// Treemap size in CSS pixels.
    pub treemap_size: (u32, u32),
    /// Id of the newest request; bumped whenever the worker must answer again.
    pub seq: u64,
    /// The newest answer.
    pub snapshot: Option<Rc<Snapshot>>,
    /// What the current edit is measured from.
    pub baseline: Option<Baseline>,
    /// When the rules were last edited (ms).
    pub last_rules_edit: Option<f64>,
    /// A folder being read.
    pub loading: Option<Loading>,
    /// Ignore files found in the dropped folder.
    pub ignore_choices: Vec<IgnoreChoice>,
    /// Which of them is in the editor.
    pub ignore_chosen: Option<usize>,
    /// A message.
    pub notice: Option<Notice>,
    /// Colour scheme.
    pub theme: Theme,
    /// Whether the worker has started.
    pub worker_ready: bool,
    /// Whether the worker is missing the current input (it asked again).
    pub resend_input: bool,
}

/// Everything that can happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The listing text area changed.
    EditListing(String),
    /// A large listing arrived (pasted, dropped or opened) and stays in the browser's memory.
    LoadStashed {
        /// Where it is.
        stashed: Stashed,
        /// Where from.
        source: Source,
    },
    /// A listing arrived from a file.
    LoadListing {
        /// Its text.
        text: String,
        /// Where from.
        source: Source,
    },
    /// The rules editor changed, at `now` ms.
    EditRules {
        /// The new text.
        text: String,
        /// `performance.now()`.
        now: f64,
    },
    /// The builder switch.
    SetBuilder(Builder),
    /// A listing-format override (`None` = detect).
    SetFormat(Option<String>),
    /// Expand or collapse a tree node.
    Toggle(u32),
    /// Collapse everything.
    CollapseAll,
    /// Zoom the treemap into a directory (0 = root).
    Zoom(u32),
    /// Explain a node (or close the explanation).
    Select(Option<u32>),
    /// The treemap's box changed size.
    Resize(u32, u32),
    /// The sample button.
    LoadSample,
    /// Clear everything.
    Clear,
    /// A permalink was opened.
    Restore(Permalink),
    /// A folder drop started.
    FolderStarted(String),
    /// Progress of reading a folder.
    FolderProgress(Loading),
    /// A folder was read.
    FolderLoaded {
        /// Its name.
        name: String,
        /// Its entries.
        entries: Vec<FolderEntry>,
        /// `(path, text)` of its ignore files.
        ignore_files: Vec<(String, String)>,
    },
    /// Reading a folder failed.
    FolderFailed(String),
    /// Use the n-th ignore file found in the folder.
    ChooseIgnore(usize),
    /// The worker answered.
    Reply(Box<Snapshot>),
    /// Per-rule savings arrived.
    Savings(Savings),
    /// The permalink of request `id` is complete.
    Share(u64, Share),
    /// Lints and suggestions of request `id`.
    Insight(u64, InsightOut),
    /// Apply a suggested edit to the rules, at `now` ms.
    ApplyEdit(EditOut, f64),
    /// The worker asks for the input again.
    NeedInput,
    /// Show or clear a message.
    Notice(Option<Notice>),
    /// Theme toggle.
    SetTheme(Theme),
    /// The worker started.
    WorkerReady,
}

impl Default for State {
    fn default() -> Self {
        State {
            listing: Rc::from(""),
            listing_lines: 0,
            stashed: None,
            source: Source::Empty,
            input_rev: 0,
            format: None,
            rules: Rc::from(""),
            builder: Builder::Buildkit,
            expanded: BTreeSet::new(),
            zoom: 0,
            selected: None,
            treemap_size: (800, 420),
            seq: 0,
            snapshot: None,
            baseline: None,
            last_rules_edit: None,
            loading: None,
            ignore_choices: Vec::new(),
            ignore_chosen: None,
            notice: None,
            theme: Theme::Auto,
            worker_ready: false,
            resend_input: false,
        }
    }
}

/// The preferred ignore file of a folder: BuildKit reads
/// `Dockerfile.dockerignore` (next to the default Dockerfile) before the
/// root `.dockerignore`.
pub fn preferred_ignore(names: &[&str]) -> Option<usize> {
    names
        .iter()
        .position(|n| *n == "Dockerfile.dockerignore")
        .or_else(|| names.iter().position(|n| *n == ".dockerignore"))
}

/// Whether a path in a dropped folder is an ignore file ctxlens offers:
/// `.dockerignore` or `<Dockerfile name>.dockerignore`, at the root.
pub fn is_ignore_file(path: &str) -> bool {
    !path.contains('/')
        && (path == ".dockerignore"
            || (path.ends_with(".dockerignore") && path.to_ascii_lowercase().starts_with("dockerfile")))
}

/// Applies a suggested edit (from `ctxlens_core::insight`) to the rules
/// text; `None` for edits that are not about the rules (Dockerfile, build).
/// Lines are 1-based and refer to the text before the edit.
pub fn apply_edit(rules: &str, edit: &EditOut) -> Option<String> {
    let mut lines: Vec<&str> = rules.split('\n').collect();
    // A final newline leaves an empty last element: keep it at the end.
    let trailing = rules.ends_with('\n');
    if trailing {
        lines.pop();
    }
    let idx =
        |l: Option<u64>| l.and_then(|l| usize::try_from(l).ok()).filter(|&l| l >= 1 && l <= lines.len()).map(|l| l - 1);
    let new_text = edit.text.trim_end_matches('\n');
    match edit.action.as_str() {
        "add" => {
            if lines.last().is_some_and(|l| l.is_empty()) && !trailing {
                lines.pop();
            }
            lines.extend(new_text.split('\n'));
        }
        "replace" => {
            let i = idx(edit.line)?;
            lines.splice(i..=i, new_text.split('\n'));
        }
        "remove" => {
            let i = idx(edit.line)?;
            lines.remove(i);
        }
        "move_after" => {
            let (i, after) = (idx(edit.line)?, idx(edit.after)?);
            let moved = lines.remove(i);
            let at = if after >= i { after } else { after + 1 };
            lines.insert(at.min(lines.len()), moved);
        }
        "replace_file" => return Some(format!("{new_text}\n")),
        _ => return None,
    }
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    Some(out)
}

/// Lines of a text (a last line without a newline counts).
pub fn count_lines(text: &str) -> u64 {
    let newlines = text.bytes().filter(|&b| b == b'\n').count() as u64;
    newlines + u64::from(!text.is_empty() && !text.ends_with('\n'))
}

impl State {
    /// The state on opening the page: restored from the URL fragment, or the
    /// sample scenario (with a notice when the link is broken).
    pub fn initial(fragment: &str, theme: Theme) -> State {
        let mut s = State { theme, ..State::default() };
        match permalink::decode(fragment) {
            Ok(Some(p)) => s.reduce_mut(Action::Restore(p)),
            Ok(None) => s.reduce_mut(Action::LoadSample),
            Err(e) => {
                s.reduce_mut(Action::LoadSample);
                s.notice = Some(Notice { error: true, text: format!("{e}. Showing the sample instead.") });
            }
        }
        s
    }

    /// The request that describes the current state.
    pub fn request(&self) -> Request {
        Request {
            id: self.seq,
            input_rev: self.input_rev,
            format: self.format.clone(),
            rules: self.rules.to_string(),
            builder: self.builder,
            view: View {
                expanded: self.expanded.iter().copied().collect(),
                zoom: self.zoom,
                selected: self.selected,
                treemap_w: self.treemap_size.0,
                treemap_h: self.treemap_size.1,
            },
        }
    }

    /// The input, for the worker.
    pub fn payload(&self) -> Payload {
        match &self.source {
            Source::Folder { name, entries } => Payload::Folder { name: name.clone(), entries: entries.to_vec() },
            _ => Payload::Listing { text: self.listing.to_string() },
        }
    }

    /// Whether the listing is shown in the text area (small enough, and not a folder).
    pub fn listing_shown(&self) -> bool {
        self.stashed.is_none() && !self.source.is_folder() && self.listing.len() <= SHOWN_LISTING_MAX
    }

    /// Size of the listing in bytes, wherever it is.
    pub fn listing_bytes(&self) -> u64 {
        self.stashed.map_or(self.listing.len() as u64, |s| s.bytes)
    }

    /// Whether the worker is working on something newer than what is shown.
    pub fn busy(&self) -> bool {
        self.loading.is_some() || self.snapshot.as_ref().is_none_or(|s| s.id < self.seq)
    }

    /// Whether the shown figures belong to the current input.
    pub fn current(&self) -> Option<&Snapshot> {
        self.snapshot.as_deref().filter(|s| s.input_rev == self.input_rev)
    }

    /// The change of the current edit: `(bytes, files)` now minus before it.
    pub fn delta(&self) -> Option<(i64, i64)> {
        let b = self.baseline.as_ref()?;
        let s = self.current()?;
        if *b.rules == *self.rules && b.builder == self.builder {
            return None;
        }
        Some((s.totals.context_bytes as i64 - b.bytes as i64, s.totals.context_files as i64 - b.files as i64))
    }

    /// The permalink (absolute URL) for `base` (the page's URL without fragment).
    pub fn share_url(&self, base: &str) -> Option<String> {
        let s = self.snapshot.as_ref()?;
        if s.share.fragment.is_empty() {
            return None;
        }
        Some(format!("{base}#{}", s.share.fragment))
    }

    /// Remembers the figures on screen as what the next edit is compared with.
    fn keep_baseline(&mut self) {
        if let Some(s) = self.current() {
            self.baseline = Some(Baseline {
                bytes: s.totals.context_bytes,
                files: s.totals.context_files,
                rules: self.rules.clone(),
                builder: self.builder,
            });
        }
    }

    fn bump(&mut self) {
        self.seq += 1;
    }

    fn new_input(&mut self) {
        self.input_rev += 1;
        self.listing_lines = count_lines(&self.listing);
        self.stashed = None;
        self.expanded.clear();
        self.zoom = 0;
        self.selected = None;
        self.baseline = None;
        self.last_rules_edit = None;
        self.bump();
    }

    fn set_rules(&mut self, text: Rc<str>) {
        self.rules = text;
        self.baseline = None;
        self.last_rules_edit = None;
    }

    /// Applies `action` in place.
    pub fn reduce_mut(&mut self, action: Action) {
        match action {
            Action::EditListing(text) => {
                if *self.listing == *text && !self.source.is_folder() && self.stashed.is_none() {
                    return;
                }
                self.listing = Rc::from(text);
                self.source = if self.listing.trim().is_empty() { Source::Empty } else { Source::Pasted };
                self.ignore_choices.clear();
                self.ignore_chosen = None;
                self.new_input();
            }
            Action::LoadStashed { stashed, source } => {
                self.listing = Rc::from("");
                self.source = source;
                self.ignore_choices.clear();
                self.ignore_chosen = None;
                self.notice = None;
                self.new_input();
                self.stashed = Some(stashed);
                // Counted by the worker (`InputInfo::records`).
                self.listing_lines = 0;
            }
            Action::LoadListing { text, source } => {
                self.listing = Rc::from(text);
                self.source = source;
                self.ignore_choices.clear();
                self.ignore_chosen = None;
                self.notice = None;
                self.new_input();
            }
            Action::EditRules { text, now } => {
                if *self.rules == *text {
                    return;
                }
                let burst_over = self.last_rules_edit.is_none_or(|t| now - t > EDIT_BURST_MS);
                if burst_over {
                    self.keep_baseline();
                }
                self.last_rules_edit = Some(now);
                self.rules = Rc::from(text);
                self.bump();
            }
            Action::SetBuilder(b) => {
                if b == self.builder {
                    return;
                }
                self.keep_baseline();
                self.last_rules_edit = None;
                self.builder = b;
                self.bump();
            }
            Action::SetFormat(f) => {
                if f == self.format {
                    return;
                }
                self.format = f;
                self.new_input();
            }
            Action::Toggle(n) => {
                if !self.expanded.remove(&n) {
                    self.expanded.insert(n);
                }
                self.bump();
            }
            Action::CollapseAll => {
                if !self.expanded.is_empty() {
                    self.expanded.clear();
                    self.bump();
                }
            }
            Action::Zoom(n) => {
                if n != self.zoom {
                    self.zoom = n;
                    self.bump();
                }
            }
            Action::Select(n) => {
                if n != self.selected {
                    self.selected = n;
                    self.bump();
                }
            }
            Action::Resize(w, h) => {
                let (ow, oh) = self.treemap_size;
                if w.abs_diff(ow) > 4 || h.abs_diff(oh) > 4 {
                    self.treemap_size = (w, h);
                    self.bump();
                }
            }
            Action::LoadSample => {
                self.listing = Rc::from(SAMPLE_LISTING);
                self.source = Source::Sample;
                self.format = None;
                self.builder = Builder::Buildkit;
                self.ignore_choices.clear();
                self.ignore_chosen = None;
                self.notice = None;
                self.set_rules(Rc::from(SAMPLE_RULES));
                self.new_input();
            }
            Action::Clear => {
                self.listing = Rc::from("");
                self.source = Source::Empty;
                self.format = None;
                self.ignore_choices.clear();
                self.ignore_chosen = None;
                self.notice = None;
                self.set_rules(Rc::from(""));
                self.new_input();
            }
            Action::Restore(p) => {
                self.notice = match &p.listing {
                    Some(_) => None,
                    None => Some(Notice {
                        error: false,
                        text: "This link carries the rules only (its listing was too large). Paste your listing \
                               or drop your folder to see their effect."
                            .into(),
                    }),
                };
                self.listing = Rc::from(p.listing.unwrap_or_default());
                self.source = if self.listing.is_empty() { Source::Empty } else { Source::Permalink };
                self.format = p.format;
                self.builder = p.builder;
                self.ignore_choices.clear();
                self.ignore_chosen = None;
                self.set_rules(Rc::from(p.rules));
                self.new_input();
            }
            Action::FolderStarted(name) => {
                self.loading = Some(Loading { name, ..Loading::default() });
                self.notice = None;
            }
            Action::FolderProgress(l) => {
                if self.loading.is_some() {
                    self.loading = Some(l);
                }
            }
            Action::FolderLoaded { name, entries, ignore_files } => {
                self.loading = None;
                let names: Vec<&str> = ignore_files.iter().map(|(n, _)| n.as_str()).collect();
                let chosen = preferred_ignore(&names);
                self.ignore_choices = ignore_files
                    .iter()
                    .map(|(n, t)| IgnoreChoice { name: n.clone(), text: Rc::from(t.as_str()) })
                    .collect();
                self.ignore_chosen = chosen;
                let rules: Rc<str> = match chosen {
                    Some(i) => self.ignore_choices[i].text.clone(),
                    None => Rc::from(""),
                };
                self.set_rules(rules);
                self.listing = Rc::from("");
                self.format = None;
                self.source = Source::Folder { name, entries: Rc::new(entries) };
                self.new_input();
            }
            Action::FolderFailed(msg) => {
                self.loading = None;
                self.notice = Some(Notice { error: true, text: msg });
            }
            Action::ChooseIgnore(i) => {
                if let Some(c) = self.ignore_choices.get(i) {
                    let text = c.text.clone();
                    self.ignore_chosen = Some(i);
                    if *self.rules != *text {
                        self.keep_baseline();
                        self.rules = text;
                        self.last_rules_edit = None;
                        self.bump();
                    }
                }
            }
            Action::Reply(s) => {
                if self.snapshot.as_ref().is_some_and(|old| old.id > s.id) {
                    return;
                }
                self.resend_input = false;
                // Nodes of an expanded or zoomed view may not exist any more.
                if s.input_rev == self.input_rev && s.treemap.root != self.zoom && s.id == self.seq {
                    self.zoom = s.treemap.root;
                }
                self.snapshot = Some(Rc::new(*s));
            }
            Action::Savings(sv) => {
                if let Some(snap) = self.snapshot.as_mut().filter(|s| s.id == sv.id) {
                    let snap = Rc::make_mut(snap);
                    for (i, bytes, files) in sv.rows {
                        if let Some(r) = snap.rules.get_mut(i as usize) {
                            r.saving_bytes = Some(bytes);
                            r.saving_files = Some(files);
                        }
                    }
                    snap.savings_pending = !sv.done;
                }
            }
            Action::Insight(id, insight) => {
                if let Some(snap) = self.snapshot.as_mut().filter(|s| s.id == id) {
                    Rc::make_mut(snap).insight = Some(insight);
                }
            }
            Action::ApplyEdit(edit, now) => {
                if let Some(text) = apply_edit(&self.rules, &edit) {
                    // A suggestion applied is an edit of its own.
                    self.last_rules_edit = None;
                    self.reduce_mut(Action::EditRules { text, now });
                }
            }
            Action::Share(id, share) => {
                if let Some(snap) = self.snapshot.as_mut().filter(|s| s.id == id) {
                    Rc::make_mut(snap).share = share;
                }
            }
            Action::NeedInput => {
                self.resend_input = true;
                self.bump();
            }
            Action::Notice(n) => self.notice = n,
            Action::SetTheme(t) => self.theme = t,
            Action::WorkerReady => {
                self.worker_ready = true;
                self.resend_input = true;
                self.bump();
            }
        }
    }

    /// Applies `action` and returns the new state.
    pub fn reduce(mut self, action: Action) -> State {
        self.reduce_mut(action);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{RuleRow, Totals};

    fn answer(s: &State, bytes: u64) -> Snapshot {
        Snapshot {
            id: s.seq,
            input_rev: s.input_rev,
            totals: Totals { context_bytes: bytes, context_files: bytes / 100, ..Totals::default() },
            ..Snapshot::default()
        }
    }

    #[test]
    fn first_open_shows_the_sample() {
        let s = State::initial("", Theme::Dark);
        assert_eq!(s.source, Source::Sample);
        assert_eq!(&*s.listing, SAMPLE_LISTING);
        assert_eq!(&*s.rules, SAMPLE_RULES);
        assert_eq!(s.theme, Theme::Dark);
        assert!(s.busy());
        let r = s.request();
        assert_eq!((r.id, r.input_rev), (s.seq, s.input_rev));
        assert_eq!(s.payload(), Payload::Listing { text: SAMPLE_LISTING.into() });
    }

    #[test]
    fn a_permalink_restores_its_scenario() {
        let p = Permalink {
            builder: Builder::Classic,
            rules: "a\n".into(),
            listing: Some("1\t./a\n".into()),
            format: Some("du-b".into()),
        };
        let s = State::initial(&format!("#{}", permalink::encode(&p)), Theme::Auto);
        assert_eq!(s.source, Source::Permalink);
        assert_eq!((&*s.rules, &*s.listing), ("a\n", "1\t./a\n"));
        assert_eq!(s.builder, Builder::Classic);
        assert_eq!(s.format.as_deref(), Some("du-b"));
        assert!(s.notice.is_none());

        let rules_only = Permalink { listing: None, ..p };
        let s = State::initial(&permalink::encode(&rules_only), Theme::Auto);
        assert_eq!(s.source, Source::Empty);
        assert!(s.notice.as_ref().is_some_and(|n| !n.error));

        let s = State::initial("#v1&r=%%%", Theme::Auto);
        assert_eq!(s.source, Source::Sample);
        assert!(s.notice.as_ref().is_some_and(|n| n.error));
    }

    #[test]
    fn listing_edits_start_a_new_input_and_reset_the_view() {
        let mut s = State::initial("", Theme::Auto);
        s.reduce_mut(Action::Toggle(5));
        s.reduce_mut(Action::Zoom(5));
        s.reduce_mut(Action::Select(Some(7)));
        let rev = s.input_rev;
        let seq = s.seq;
        s.reduce_mut(Action::EditListing("12\t./x\n".into()));
        assert_eq!(s.input_rev, rev + 1);
        assert!(s.seq > seq);
        assert!(s.expanded.is_empty() && s.zoom == 0 && s.selected.is_none());
        assert_eq!(s.source, Source::Pasted);
        // The same text again changes nothing.
        let seq = s.seq;
        s.reduce_mut(Action::EditListing("12\t./x\n".into()));
        assert_eq!(s.seq, seq);
        s.reduce_mut(Action::EditListing("".into()));
        assert_eq!(s.source, Source::Empty);
    }

    #[test]
    fn view_actions_ask_again_without_new_input() {
        let mut s = State::initial("", Theme::Auto);
        let (rev, seq) = (s.input_rev, s.seq);
        s.reduce_mut(Action::Toggle(3));
        assert!(s.expanded.contains(&3));
        s.reduce_mut(Action::Toggle(3));
        assert!(!s.expanded.contains(&3));
        s.reduce_mut(Action::Zoom(9));
        s.reduce_mut(Action::Zoom(9));
        s.reduce_mut(Action::Select(Some(2)));
        s.reduce_mut(Action::Resize(801, 421));
        assert_eq!(s.treemap_size, (800, 420), "tiny size changes are ignored");
        s.reduce_mut(Action::Resize(1000, 500));
        assert_eq!(s.input_rev, rev);
        assert_eq!(s.seq, seq + 5);
        assert_eq!(s.request().view.zoom, 9);
        assert_eq!(s.request().view.treemap_w, 1000);
    }

    #[test]
    fn stale_replies_are_ignored_and_savings_merge() {
        let mut s = State::initial("", Theme::Auto);
        let first = answer(&s, 100);
        s.reduce_mut(Action::EditRules { text: "x\n".into(), now: 0.0 });
        let mut second = answer(&s, 50);
        second.rules = vec![RuleRow {
            line: 1,
            text: "x".into(),
            pattern: "x".into(),
            exception: false,
            excluded_files: 1,
            excluded_bytes: 50,
            saving_bytes: None,
            saving_files: None,
            uncertain: false,
        }];
        second.savings_pending = true;
        s.reduce_mut(Action::Reply(Box::new(second.clone())));
        assert!(!s.busy());
        s.reduce_mut(Action::Reply(Box::new(first)));
        assert_eq!(s.snapshot.as_ref().unwrap().totals.context_bytes, 50, "older reply ignored");
        s.reduce_mut(Action::Savings(Savings { id: second.id - 1, rows: vec![(0, 1, 1)], done: true }));
        assert_eq!(s.snapshot.as_ref().unwrap().rules[0].saving_bytes, None, "savings of another request");
        s.reduce_mut(Action::Savings(Savings { id: second.id, rows: vec![(0, 50, 1)], done: true }));
        let snap = s.snapshot.as_ref().unwrap();
        assert_eq!(snap.rules[0].saving_bytes, Some(50));
        assert!(!snap.savings_pending);
    }

    #[test]
    fn delta_measures_the_whole_edit_burst() {
        let mut s = State::initial("", Theme::Auto);
        let a = answer(&s, 600);
        s.reduce_mut(Action::Reply(Box::new(a)));
        assert_eq!(s.delta(), None);
        // Typing `audit-results/` character by character, 100 ms apart.
        let mut text = s.rules.to_string();
        for (i, c) in "audit-results/\n".chars().enumerate() {
            text.push(c);
            s.reduce_mut(Action::EditRules { text: text.clone(), now: 10_000.0 + 100.0 * i as f64 });
            let figure = if i >= 12 { 300 } else { 600 };
            let r = answer(&s, figure);
            s.reduce_mut(Action::Reply(Box::new(r)));
        }
        assert_eq!(s.delta(), Some((-300, -3)));
        // A later edit starts a new burst, measured from 300.
        text.push_str("**/*.test\n");
        s.reduce_mut(Action::EditRules { text: text.clone(), now: 60_000.0 });
        let r = answer(&s, 200);
        s.reduce_mut(Action::Reply(Box::new(r)));
        assert_eq!(s.delta(), Some((-100, -1)));
        // Undoing back to the baseline text shows no delta.
        let base = s.baseline.as_ref().unwrap().rules.to_string();
        s.reduce_mut(Action::EditRules { text: base, now: 60_100.0 });
        assert_eq!(s.delta(), None);
        // A new input forgets the baseline.
        s.reduce_mut(Action::EditListing("1\t./a\n".into()));
        assert!(s.baseline.is_none());
    }

    #[test]
    fn builder_switch_is_an_edit() {
        let mut s = State::initial("", Theme::Auto);
        let a = answer(&s, 1000);
        s.reduce_mut(Action::Reply(Box::new(a)));
        s.reduce_mut(Action::SetBuilder(Builder::Classic));
        let r = answer(&s, 1100);
        s.reduce_mut(Action::Reply(Box::new(r)));
        assert_eq!(s.delta(), Some((100, 1)));
        assert_eq!(s.request().builder, Builder::Classic);
    }

    #[test]
    fn folders_bring_their_ignore_files() {
        let mut s = State::initial("", Theme::Auto);
        s.reduce_mut(Action::FolderStarted("app".into()));
        assert!(s.busy());
        s.reduce_mut(Action::FolderProgress(Loading { name: "app".into(), files: 10, dirs: 2, bytes: 99 }));
        assert_eq!(s.loading.as_ref().unwrap().files, 10);
        let entries = vec![FolderEntry { path: "a".into(), dir: false, size: 1 }];
        s.reduce_mut(Action::FolderLoaded {
            name: "app".into(),
            entries: entries.clone(),
            ignore_files: vec![
                (".dockerignore".into(), "root\n".into()),
                ("Dockerfile.dockerignore".into(), "specific\n".into()),
            ],
        });
        assert!(s.loading.is_none());
        assert_eq!(&*s.rules, "specific\n", "BuildKit prefers Dockerfile.dockerignore");
        assert_eq!(s.ignore_chosen, Some(1));
        assert_eq!(s.payload(), Payload::Folder { name: "app".into(), entries });
        assert!(s.source.label().contains("1 entries"));
        s.reduce_mut(Action::ChooseIgnore(0));
        assert_eq!(&*s.rules, "root\n");
        s.reduce_mut(Action::FolderFailed("no".into()));
        assert!(s.notice.as_ref().unwrap().error);
    }

    #[test]
    fn large_listings_stay_out_of_the_text_area() {
        let mut s = State::initial("", Theme::Auto);
        assert!(s.listing_shown());
        assert_eq!(s.listing_lines, 765);
        let big = "1\t./a\n".repeat(SHOWN_LISTING_MAX / 6 + 1);
        s.reduce_mut(Action::EditListing(big));
        assert!(!s.listing_shown());
        assert_eq!(s.listing_lines, (SHOWN_LISTING_MAX / 6 + 1) as u64);
        assert_eq!(count_lines(""), 0);
        assert_eq!(count_lines("a"), 1);
        assert_eq!(count_lines("a\nb\n"), 2);
    }

    #[test]
    fn stashed_listings() {
        let mut s = State::initial("", Theme::Auto);
        let rev = s.input_rev;
        s.reduce_mut(Action::LoadStashed { stashed: Stashed { key: 7, bytes: 30_000_000 }, source: Source::Pasted });
        assert_eq!(s.input_rev, rev + 1);
        assert_eq!(s.stashed, Some(Stashed { key: 7, bytes: 30_000_000 }));
        assert!(!s.listing_shown());
        assert_eq!(s.listing_bytes(), 30_000_000);
        assert!(s.listing.is_empty());
        // Typing a small listing replaces it.
        s.reduce_mut(Action::EditListing("1\t./a\n".into()));
        assert!(s.stashed.is_none() && s.listing_shown());
        // Even an empty text area replaces it.
        s.reduce_mut(Action::LoadStashed { stashed: Stashed { key: 8, bytes: 9 }, source: Source::Pasted });
        s.reduce_mut(Action::EditListing(String::new()));
        assert!(s.stashed.is_none());
        assert_eq!(s.source, Source::Empty);
    }

    fn edit(action: &str, line: Option<u64>, text: &str, after: Option<u64>) -> EditOut {
        EditOut { action: action.into(), line, text: text.into(), after }
    }

    #[test]
    fn suggested_edits_apply_to_the_text() {
        let r = "a\nb\nc\n";
        assert_eq!(apply_edit(r, &edit("add", None, "d\ne", None)).unwrap(), "a\nb\nc\nd\ne\n");
        assert_eq!(apply_edit("a", &edit("add", None, "b", None)).unwrap(), "a\nb\n");
        assert_eq!(apply_edit("", &edit("add", None, "x", None)).unwrap(), "x\n");
        assert_eq!(apply_edit(r, &edit("replace", Some(2), "**/b", None)).unwrap(), "a\n**/b\nc\n");
        assert_eq!(apply_edit(r, &edit("remove", Some(1), "", None)).unwrap(), "b\nc\n");
        assert_eq!(apply_edit(r, &edit("move_after", Some(1), "", Some(3))).unwrap(), "b\nc\na\n");
        assert_eq!(apply_edit(r, &edit("move_after", Some(3), "", Some(1))).unwrap(), "a\nc\nb\n");
        assert_eq!(apply_edit(r, &edit("replace_file", None, "*\n!src", None)).unwrap(), "*\n!src\n");
        assert_eq!(apply_edit(r, &edit("remove", Some(9), "", None)), None);
        assert_eq!(apply_edit(r, &edit("dockerfile", Some(1), "COPY . .", None)), None);

        let mut s = State::initial("", Theme::Auto);
        let a = answer(&s, 600);
        s.reduce_mut(Action::Reply(Box::new(a)));
        let seq = s.seq;
        s.reduce_mut(Action::ApplyEdit(edit("add", None, "audit-results/", None), 1.0));
        assert!(s.rules.ends_with("tmp/\naudit-results/\n"), "{}", s.rules);
        assert_eq!(s.seq, seq + 1);
        assert_eq!(s.baseline.as_ref().unwrap().bytes, 600, "measured from before the suggestion");
        s.reduce_mut(Action::Insight(s.snapshot.as_ref().unwrap().id, InsightOut::default()));
        assert!(s.snapshot.as_ref().unwrap().insight.is_some());
    }

    #[test]
    fn ignore_file_names() {
        assert!(is_ignore_file(".dockerignore"));
        assert!(is_ignore_file("Dockerfile.dockerignore"));
        assert!(is_ignore_file("Dockerfile.audit.dockerignore"));
        assert!(!is_ignore_file("sub/.dockerignore"));
        assert!(!is_ignore_file("foo.dockerignore"));
        assert_eq!(preferred_ignore(&[".dockerignore"]), Some(0));
        assert_eq!(preferred_ignore(&["Dockerfile.audit.dockerignore"]), None);
    }

    #[test]
    fn worker_restart_resends_input() {
        let mut s = State::initial("", Theme::Auto);
        let seq = s.seq;
        s.reduce_mut(Action::WorkerReady);
        assert!(s.worker_ready && s.resend_input);
        assert_eq!(s.seq, seq + 1);
        let r = answer(&s, 1);
        s.reduce_mut(Action::Reply(Box::new(r)));
        assert!(!s.resend_input);
        s.reduce_mut(Action::NeedInput);
        assert!(s.resend_input);
    }

    #[test]
    fn share_url_and_clear() {
        let mut s = State::initial("", Theme::Auto);
        assert_eq!(s.share_url("http://x/"), None);
        let mut a = answer(&s, 1);
        a.share.fragment = "v1&r=AwA".into();
        s.reduce_mut(Action::Reply(Box::new(a)));
        assert_eq!(s.share_url("http://x/").as_deref(), Some("http://x/#v1&r=AwA"));
        s.reduce_mut(Action::Clear);
        assert_eq!(s.source, Source::Empty);
        assert!(s.rules.is_empty());
        assert!(s.current().is_none(), "the shown figures belong to the old input");
    }
}
