//! Messages between the page (main thread) and the worker.
//!
//! A request is self-contained: it names the input revision, the rules, the
//! builder and what the page currently shows (expanded tree nodes, treemap
//! zoom, selected path). The input itself (a listing's text or a folder's
//! entries) travels only when the worker does not have that revision yet.
//! The worker answers with a [`Snapshot`] right away and, for rule sets, with
//! [`Savings`] computed rule by rule afterwards (one evaluation per rule).

use serde::{Deserialize, Serialize};

/// Which builder's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// BuildKit (the default since Docker 23).
    #[default]
    Buildkit,
    /// The classic builder (`DOCKER_BUILDKIT=0`): a tar stream.
    Classic,
}

impl Builder {
    /// The name used in permalinks and the UI.
    pub fn name(self) -> &'static str {
        match self {
            Builder::Buildkit => "buildkit",
            Builder::Classic => "classic",
        }
    }

    /// Parses [`name`](Self::name).
    pub fn from_name(s: &str) -> Option<Builder> {
        match s {
            "buildkit" => Some(Builder::Buildkit),
            "classic" => Some(Builder::Classic),
            _ => None,
        }
    }
}

/// What the page shows, so the worker can send just that.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct View {
    /// Expanded directories of the tree view.
    pub expanded: Vec<u32>,
    /// The directory the treemap is zoomed into (0 = the context root).
    pub zoom: u32,
    /// The node whose verdict is explained.
    pub selected: Option<u32>,
    /// Treemap size in CSS pixels.
    pub treemap_w: u32,
    /// Treemap height in CSS pixels.
    pub treemap_h: u32,
}

/// One entry of a dropped or picked folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderEntry {
    /// Path relative to the folder, `/`-separated.
    pub path: String,
    /// `true` for directories.
    pub dir: bool,
    /// `File.size` (apparent bytes); 0 for directories.
    pub size: u64,
}

/// The input, sent with the first request of each revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A pasted, dropped or restored listing.
    Listing {
        /// Its text.
        text: String,
    },
    /// A dropped or picked folder, read locally.
    Folder {
        /// The folder's name.
        name: String,
        /// Every entry found.
        entries: Vec<FolderEntry>,
    },
}

/// A request (its JSON part; the payload travels beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Increasing id; answers carry it, the page shows only the newest.
    pub id: u64,
    /// Revision of the input the request is about.
    pub input_rev: u64,
    /// A `--listing-format` name, or `None` to detect.
    pub format: Option<String>,
    /// The `.dockerignore` text.
    pub rules: String,
    /// The builder.
    pub builder: Builder,
    /// What the page shows.
    pub view: View,
}

/// How the input was read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InputInfo {
    /// `listing`, `folder` or `empty`.
    pub kind: String,
    /// The listing format's name (`du-b`, ...) or `folder`.
    pub format: String,
    /// What produced it, for people.
    pub format_description: String,
    /// `apparent`, `apparent-rounded`, `disk-usage` or `none`.
    pub sizes: String,
    /// Whether only directories are listed (bounds apply).
    pub directories_only: bool,
    /// Lines read.
    pub records: u64,
    /// Unreadable lines (the first ones).
    pub problems: Vec<Problem>,
    /// How many unreadable lines in all.
    pub problems_total: u64,
    /// Caveats (what the format leaves out, how to get a better listing).
    pub notes: Vec<String>,
    /// Directories, files, symlinks, others in the tree.
    pub dirs: u64,
    /// Regular files.
    pub files: u64,
    /// Symlinks.
    pub symlinks: u64,
    /// Whether the input failed as a whole (then nothing else is meaningful).
    pub error: Option<String>,
    /// Milliseconds spent parsing (0 when the input was cached).
    pub parse_ms: f64,
}

/// An unreadable input line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// 1-based line.
    pub line: u64,
    /// The line (shortened).
    pub text: String,
    /// What is wrong.
    pub message: String,
}

/// One rule and its effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRow {
    /// 1-based line in the rules text.
    pub line: u64,
    /// The line as written.
    pub text: String,
    /// What Docker makes of it.
    pub pattern: String,
    /// `!` rule.
    pub exception: bool,
    /// Files this rule decided to leave out.
    pub excluded_files: u64,
    /// Their bytes.
    pub excluded_bytes: u64,
    /// Context bytes without this rule minus with it (`None` until computed).
    pub saving_bytes: Option<i64>,
    /// Context files without this rule minus with it.
    pub saving_files: Option<i64>,
    /// The listing hides file names this rule could match (`du` without
    /// `-a`): its effect there is only bounded.
    pub uncertain: bool,
}

/// A problem Docker has with the rules file, at its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleError {
    /// 1-based line.
    pub line: u64,
    /// Docker's complaint.
    pub message: String,
}

/// The figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// File data sent (exact figure from the listed sizes; the CLI's `context.bytes`).
    pub context_bytes: u64,
    /// Smallest possible context size given rounding and unlisted files.
    pub bytes_min: u64,
    /// Largest possible context size.
    pub bytes_max: u64,
    /// Files sent with data.
    pub context_files: u64,
    /// Entries sent (files, directories, links).
    pub entries: u64,
    /// Bytes left out.
    pub excluded_bytes: u64,
    /// Files left out.
    pub excluded_files: u64,
    /// The whole input: bytes (files; hard links once).
    pub all_bytes: u64,
    /// The whole input: files.
    pub all_files: u64,
    /// Smallest possible size of the whole input.
    pub all_bytes_min: u64,
    /// Largest possible size of the whole input.
    pub all_bytes_max: u64,
    /// Classic builder only: the tar stream's exact length.
    pub tar_bytes: Option<u64>,
    /// BuildKit only: estimated bytes on the wire for a cold build (data and per-entry metadata).
    pub wire_cold: Option<u64>,
    /// BuildKit only: estimated bytes on the wire when nothing changed (metadata only).
    pub wire_warm: Option<u64>,
}

/// One visible row of the tree view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeRow {
    /// The node (0 for a "more" row).
    pub node: u32,
    /// Nesting level, 1 for the root's children.
    pub depth: u32,
    /// The entry's name (any bytes, shown as text).
    pub name: String,
    /// `file`, `dir`, `symlink`, `other`, or `more` (the rest of a long directory).
    pub kind: String,
    /// Bytes of everything below (or the file's size).
    pub bytes: u64,
    /// Bytes of it that are sent.
    pub sent_bytes: u64,
    /// Files below (1 for a file).
    pub files: u64,
    /// Files of them sent.
    pub sent_files: u64,
    /// `in`, `out`, `partial`.
    pub state: String,
    /// Line of the rule that decided it (for `out` entries).
    pub rule_line: Option<u64>,
    /// Whether it has children.
    pub expandable: bool,
    /// Whether its children are shown.
    pub expanded: bool,
}

/// One tile of the treemap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileOut {
    /// The node.
    pub node: u32,
    /// Left, top, width, height in CSS pixels.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
    /// 1 = the zoomed directory's children.
    pub depth: u32,
    /// Name.
    pub name: String,
    /// Bytes below.
    pub bytes: u64,
    /// Bytes sent.
    pub sent_bytes: u64,
    /// A directory (click zooms in).
    pub dir: bool,
    /// Whether its children are drawn inside it.
    pub subdivided: bool,
}

/// The treemap of the zoomed directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Treemap {
    /// The zoomed directory.
    pub root: u32,
    /// Path from the context root to it: `(node, name)`.
    pub crumbs: Vec<(u32, String)>,
    /// The tiles, parents before children.
    pub tiles: Vec<TileOut>,
    /// Width and height laid out.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// Why the selected path is in or out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainOut {
    /// The node.
    pub node: u32,
    /// Its path.
    pub path: String,
    /// Whether it is sent.
    pub sent: bool,
    /// Machine-readable reason (see `ctxlens explain`).
    pub reason: String,
    /// The deciding rule's line and text.
    pub rule: Option<(u64, String)>,
    /// The sentence.
    pub message: String,
    /// Caveats.
    pub hints: Vec<String>,
    /// Bytes below / sent.
    pub bytes: u64,
    /// Sent bytes.
    pub sent_bytes: u64,
}

/// The permalink the worker computed for this state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Share {
    /// The URL fragment, without `#`.
    pub fragment: String,
    /// Whether the listing is in it (too large inputs keep only the rules).
    pub has_listing: bool,
    /// Why the listing is left out, if it is.
    pub note: Option<String>,
    /// The listing part is still being compressed (a [`Reply::Share`] follows).
    pub pending: bool,
}

/// A finding about the rules (from `ctxlens_core::insight`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintOut {
    /// The rule's line, if the lint is about a rule.
    pub line: Option<u64>,
    /// Stable code (`root_only`, `dead_rule`, ...).
    pub code: String,
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// What Docker does with the line, and what it means here.
    pub message: String,
    /// Some of the affected paths.
    pub paths: Vec<String>,
    /// How many paths in all.
    pub path_count: u64,
    /// Bytes affected.
    pub bytes: u64,
}

/// A change to the rules file, as a one-click edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditOut {
    /// `add`, `replace`, `remove`, `move_after`, `replace_file`, `dockerfile`, `build`.
    pub action: String,
    /// The line it applies to.
    pub line: Option<u64>,
    /// The new text.
    pub text: String,
    /// For `move_after`: the line to move below.
    pub after: Option<u64>,
}

/// A proposed change with its measured effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionOut {
    /// The rule text the edit adds or puts in place.
    pub rule: String,
    /// Context bytes it saves (negative: more is sent); `None` when not about the context.
    pub saving_bytes: Option<i64>,
    /// Files it saves.
    pub saving_files: Option<i64>,
    /// Why, with the numbers.
    pub reason: String,
    /// What kind of suggestion (`junk`, `biggest`, `root_only_fix`, ...).
    pub kind: String,
    /// The edit.
    pub edit: EditOut,
}

/// Lints and suggestions, sent after the snapshot (they take several evaluations).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InsightOut {
    /// Findings, most serious first.
    pub lints: Vec<LintOut>,
    /// Suggestions, biggest saving first.
    pub suggestions: Vec<SuggestionOut>,
    /// Why there are none, when they were not computed.
    pub skipped: Option<String>,
}

/// The worker's answer to a request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// The request answered.
    pub id: u64,
    /// The input revision it describes.
    pub input_rev: u64,
    /// The builder it describes.
    pub builder: Builder,
    /// How the input was read.
    pub input: InputInfo,
    /// The figures.
    pub totals: Totals,
    /// Each rule.
    pub rules: Vec<RuleRow>,
    /// Docker would reject the rules file (figures then ignore the bad lines).
    pub rule_errors: Vec<RuleError>,
    /// The build would fail while sending (lazy pattern error, classic error).
    pub build_error: Option<String>,
    /// Visible tree rows.
    pub tree: Vec<TreeRow>,
    /// The treemap.
    pub treemap: Treemap,
    /// The explanation of the selected node.
    pub explain: Option<ExplainOut>,
    /// The permalink.
    pub share: Share,
    /// Milliseconds spent evaluating the rules (0 when cached).
    pub eval_ms: f64,
    /// Whether per-rule savings follow in a [`Savings`] message.
    pub savings_pending: bool,
    /// Lints and suggestions (`None` until the [`Reply::Insight`] arrives).
    pub insight: Option<InsightOut>,
    /// Where the worker's time went: `(phase, ms since the epoch at its
    /// end)`, for `cargo xtask measure` (the page keeps them in
    /// `window.__ctxlensMarks`).
    #[serde(default)]
    pub timings: Vec<(String, f64)>,
}

/// Per-rule savings, sent after the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Savings {
    /// The request they belong to.
    pub id: u64,
    /// `(rule index, saving bytes, saving files)`.
    pub rows: Vec<(u32, i64, i64)>,
    /// Whether every rule is done.
    pub done: bool,
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// The worker is up and listening.
    Ready,
    /// The worker needs the input of this revision again (it was not sent).
    NeedInput {
        /// The request that found it missing.
        id: u64,
    },
    /// A snapshot.
    Snapshot(Box<Snapshot>),
    /// Per-rule savings.
    Savings(Savings),
    /// Lints and suggestions.
    Insight {
        /// The request they belong to.
        id: u64,
        /// They.
        insight: InsightOut,
    },
    /// The permalink, once the listing is compressed.
    Share {
        /// The request it belongs to.
        id: u64,
        /// The link.
        share: Share,
    },
}
