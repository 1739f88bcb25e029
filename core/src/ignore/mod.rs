//! `.dockerignore` files: parsing, pattern compilation and verdicts, exactly as
//! Docker (moby/patternmatcher v0.6.1) and BuildKit compute them.
//!
//! Two steps mirror Docker's own: [`IgnoreFile::parse`] is `ignorefile.ReadAll`
//! (comments, trimming, `!`, path cleaning) and [`RuleSet::new`] is
//! `patternmatcher.New` (the syntax check that rejects a whole file). Regexp
//! errors that Go only raises when a pattern is first consulted stay lazy: they
//! surface as [`PatternError`] from the verdict that consults the pattern.

pub(crate) mod fnmatch;
mod goregex;
pub(crate) mod gostr;
mod pattern;

use std::sync::Arc;

use pattern::Matcher;
pub(crate) use pattern::Runes;
pub(crate) use pattern::is_regexp;
use serde::Serialize;

/// Docker's `bufio.Scanner` limit: a line of this many bytes or more aborts the build.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why Docker rejects an ignore file as a whole (the build fails before any transfer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    /// A line of 64 KiB or more (`bufio.Scanner: token too long`).
    #[error("line {line}: line is {len} bytes long; Docker rejects lines of 65536 bytes or more")]
    LineTooLong {
        /// 1-based line number.
        line: usize,
        /// Length of the line in bytes.
        len: usize,
    },
    /// A bare `!` (also `!/` or `! `), which Docker rejects.
    #[error("line {line}: illegal exclusion pattern `{text}`: a `!` needs a pattern after it")]
    IllegalExclusion {
        /// 1-based line number.
        line: usize,
        /// The line as written.
        text: String,
    },
    /// A pattern Go's `filepath.Match` rejects (`[`, `[]`, `[a-]`, a trailing `\`...).
    #[error("line {line}: syntax error in pattern `{pattern}`")]
    BadPattern {
        /// 1-based line number.
        line: usize,
        /// The cleaned pattern.
        pattern: String,
    },
}

impl IgnoreError {
    /// The conformance corpus's category: `line_too_long`, `illegal_exclusion`, `bad_pattern`.
    pub fn category(&self) -> &'static str {
        match self {
            IgnoreError::LineTooLong { .. } => "line_too_long",
            IgnoreError::IllegalExclusion { .. } => "illegal_exclusion",
            IgnoreError::BadPattern { .. } => "bad_pattern",
        }
    }

    /// Docker's stage: `parse` (`ReadAll`) or `new` (`patternmatcher.New`).
    pub fn stage(&self) -> &'static str {
        match self {
            IgnoreError::LineTooLong { .. } => "parse",
            _ => "new",
        }
    }

    /// The 1-based line at fault.
    pub fn line(&self) -> usize {
        match self {
            IgnoreError::LineTooLong { line, .. }
            | IgnoreError::IllegalExclusion { line, .. }
            | IgnoreError::BadPattern { line, .. } => *line,
        }
    }
}

/// A pattern whose Go regexp fails to compile was consulted: Docker fails the
/// build with "syntax error in pattern" when this happens during the walk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: syntax error in pattern `{pattern}` ({detail}), reached while matching `{path}`")]
pub struct PatternError {
    /// 1-based line of the rule.
    pub line: usize,
    /// The cleaned pattern.
    pub pattern: String,
    /// What Go's regexp parser objects to.
    pub detail: String,
    /// The path whose evaluation consulted the pattern.
    pub path: String,
}

/// One rule of an ignore file: a non-comment, non-blank line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// 1-based line number in the file.
    pub line: usize,
    /// The line as written (lossily decoded for display).
    pub text: String,
    /// What Docker's `ReadAll` makes of it, `!` included: e.g. `/a/b/` → `a/b`.
    pub pattern: String,
    /// Whether the rule is an exception (`!`), re-including what matched.
    pub exception: bool,
    #[serde(skip)]
    raw_pattern: Vec<u8>,
}

impl Rule {
    /// The pattern bytes as `ReadAll` returns them (`!` included).
    pub fn pattern_bytes(&self) -> &[u8] {
        &self.raw_pattern
    }
}

/// A parsed `.dockerignore`: its rules in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IgnoreFile {
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl IgnoreFile {
    /// Parses ignore-file bytes exactly as Docker's `ignorefile.ReadAll`.
    pub fn parse(data: &[u8]) -> Result<IgnoreFile, IgnoreError> {
        let mut rules = Vec::new();
        let mut rest = data;
        let mut line_no = 0;
        while !rest.is_empty() {
            let (mut line, next) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = next;
            line_no += 1;
            // bufio.Scanner needs the line plus its newline in a 64 KiB buffer.
            if line.len() >= MAX_LINE_BYTES {
                return Err(IgnoreError::LineTooLong { line: line_no, len: line.len() });
            }
            if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            if line_no == 1 {
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            if line.starts_with(b"#") {
                continue;
            }
            let mut pat = gostr::trim_space(line);
            if pat.is_empty() {
                continue;
            }
            let exception = pat[0] == b'!';
            if exception {
                pat = gostr::trim_space(&pat[1..]);
            }
            let mut cleaned = Vec::with_capacity(pat.len() + 1);
            if exception {
                cleaned.push(b'!');
            }
            if !pat.is_empty() {
                let c = gostr::clean(pat);
                let c = if c.len() > 1 && c[0] == b'/' { &c[1..] } else { &c[..] };
                cleaned.extend_from_slice(c);
            }
            rules.push(Rule {
                line: line_no,
                text: lossy(line),
                pattern: lossy(&cleaned),
                exception,
                raw_pattern: cleaned,
            });
        }
        Ok(IgnoreFile { rules })
    }

    /// Whether the file has no rules at all (Docker then sends everything).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// A compiled rule: what `patternmatcher.New` keeps of one line.
#[derive(Debug, Clone)]
struct Compiled {
    /// The cleaned pattern without `!`.
    cleaned: Vec<u8>,
    exception: bool,
    /// Shared by the sets [`RuleSet::without`] derives: nothing is compiled twice.
    matcher: Arc<Matcher>,
    /// Index into [`IgnoreFile::rules`].
    rule: usize,
}

/// The rules of an ignore file, compiled: answers Docker's verdicts.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    file: IgnoreFile,
    compiled: Vec<Compiled>,
    has_exceptions: bool,
}

/// Per-directory memory of which rules hit it (patternmatcher's `MatchInfo`),
/// threaded from a directory to its children. A bitset: up to 64 rules it
/// lives inline, without touching the heap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchInfo {
    /// Rules covered; 0 for "no memory" (the context root's children).
    len: usize,
    small: u64,
    /// The words when `len > 64`.
    big: Vec<u64>,
}

impl MatchInfo {
    fn reset(&mut self, len: usize) {
        self.len = len;
        self.small = 0;
        if len > 64 {
            self.big.clear();
            self.big.resize(len.div_ceil(64), 0);
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether rule `i` (a compiled index) hit.
    pub(crate) fn get(&self, i: usize) -> bool {
        if i >= self.len {
            false
        } else if self.len <= 64 {
            self.small >> i & 1 == 1
        } else {
            self.big[i / 64] >> (i % 64) & 1 == 1
        }
    }

    fn set(&mut self, i: usize) {
        if self.len <= 64 {
            self.small |= 1 << i;
        } else {
            self.big[i / 64] |= 1 << (i % 64);
        }
    }

    /// The rules that hit here but not in `parent` (all hits without one).
    pub(crate) fn new_hits<'a>(&'a self, parent: Option<&'a MatchInfo>) -> impl Iterator<Item = usize> + 'a {
        let words: &[u64] = if self.len <= 64 { std::slice::from_ref(&self.small) } else { &self.big };
        let parent = parent.filter(|p| p.len == self.len);
        words.iter().enumerate().flat_map(move |(w, &bits)| {
            let old = parent.map_or(0, |p| if p.len <= 64 { p.small } else { p.big[w] });
            let mut fresh = bits & !old;
            std::iter::from_fn(move || {
                (fresh != 0).then(|| {
                    let b = fresh.trailing_zeros() as usize;
                    fresh &= fresh - 1;
                    w * 64 + b
                })
            })
        })
    }
}

/// What one path's evaluation decided, besides its hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) excluded: bool,
    pub(crate) decided_by: Option<usize>,
    pub(crate) inherited: bool,
}

/// The threaded verdict of one path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the rules exclude the path.
    pub excluded: bool,
    /// Index into [`RuleSet::rules`] of the last rule that hit the path (the
    /// one that decided), if any rule did.
    pub decided_by: Option<usize>,
    /// Whether that hit was inherited from the parent directory rather than a
    /// match of the path itself.
    pub inherited: bool,
    /// What the path's children inherit.
    pub info: MatchInfo,
}

impl Verdict {
    /// Whether rule `rule` (index into [`RuleSet::rules`]) hit this path.
    pub fn info_hits(&self, rule: usize) -> bool {
        // ReadAll never yields a pattern New would skip, so rule and
        // compiled indices coincide.
        self.info.get(rule)
    }
}

impl RuleSet {
    /// Compiles an ignore file as `patternmatcher.New` does, rejecting the
    /// whole set for a bare `!` or a pattern Go's `filepath.Match` refuses.
    pub fn new(file: IgnoreFile) -> Result<RuleSet, IgnoreError> {
        let mut compiled = Vec::with_capacity(file.rules.len());
        let mut has_exceptions = false;
        for (idx, rule) in file.rules.iter().enumerate() {
            let p = gostr::trim_space(&rule.raw_pattern);
            if p.is_empty() {
                continue;
            }
            let p = gostr::clean(p);
            let (exception, body) = if p[0] == b'!' {
                if p.len() == 1 {
                    return Err(IgnoreError::IllegalExclusion { line: rule.line, text: rule.text.clone() });
                }
                (true, p[1..].to_vec())
            } else {
                (false, p)
            };
            if fnmatch::is_bad_pattern(&body) {
                return Err(IgnoreError::BadPattern { line: rule.line, pattern: lossy(&body) });
            }
            has_exceptions |= exception;
            compiled.push(Compiled { matcher: Arc::new(Matcher::compile(&body)), cleaned: body, exception, rule: idx });
        }
        Ok(RuleSet { file, compiled, has_exceptions })
    }

    /// Compiles bare patterns (BuildKit's include patterns from FollowPaths);
    /// each pattern's "line" is its 1-based position.
    pub fn from_patterns<P: AsRef<[u8]>>(patterns: &[P]) -> Result<RuleSet, IgnoreError> {
        let rules = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let p = p.as_ref();
                Rule {
                    line: i + 1,
                    text: lossy(p),
                    pattern: lossy(p),
                    exception: p.first() == Some(&b'!'),
                    raw_pattern: p.to_vec(),
                }
            })
            .collect();
        RuleSet::new(IgnoreFile { rules })
    }

    /// The same rules followed by `extra` exceptions (the classic CLI's
    /// `!.dockerignore` / `!<Dockerfile>`), which get line 0.
    pub fn with_appended(&self, extra: &[Vec<u8>]) -> Result<RuleSet, IgnoreError> {
        let mut file = self.file.clone();
        for p in extra {
            file.rules.push(Rule {
                line: 0,
                text: lossy(p),
                pattern: lossy(p),
                exception: p.first() == Some(&b'!'),
                raw_pattern: p.clone(),
            });
        }
        RuleSet::new(file)
    }

    /// The set without rule `i` (index into [`RuleSet::rules`]): what
    /// [`RuleSet::new`] gives for the file without that line, sharing the
    /// compiled patterns instead of compiling them again.
    pub fn without(&self, i: usize) -> RuleSet {
        let mut file = self.file.clone();
        if i < file.rules.len() {
            file.rules.remove(i);
        }
        let compiled: Vec<Compiled> = self
            .compiled
            .iter()
            .filter(|c| c.rule != i)
            .map(|c| Compiled { rule: if c.rule > i { c.rule - 1 } else { c.rule }, ..c.clone() })
            .collect();
        let has_exceptions = compiled.iter().any(|c| c.exception);
        RuleSet { file, compiled, has_exceptions }
    }

    /// The deprecated one-level verdict (`PatternMatcher.Matches`) the
    /// classic CLI uses to decide whether to re-include the Dockerfile and
    /// `.dockerignore`: a pattern of `n` components is also tried against the
    /// path's first `n` components only.
    pub fn matches_one_level(&self, path: &[u8]) -> Result<bool, PatternError> {
        let parent_dirs: Vec<&[u8]> = match path.iter().rposition(|&b| b == b'/') {
            Some(i) => path[..i].split(|&b| b == b'/').collect(),
            None => Vec::new(),
        };
        let mut matched = false;
        for c in &self.compiled {
            if c.exception != matched {
                continue;
            }
            let mut hit = c.matcher.matches(path).map_err(|e| self.pattern_error(c, e, path))?;
            let n = c.cleaned.split(|&b| b == b'/').count();
            if !hit && !parent_dirs.is_empty() && n <= parent_dirs.len() {
                hit = c.matcher.matches(&parent_dirs[..n].join(&b'/')).unwrap_or(false);
            }
            if hit {
                matched = !c.exception;
            }
        }
        Ok(matched)
    }

    /// The patterns as `ReadAll` returned them (`!` included).
    pub fn patterns(&self) -> Vec<String> {
        self.file.rules.iter().map(|r| r.pattern.clone()).collect()
    }

    /// Parses and compiles ignore-file bytes in one step.
    pub fn parse(data: &[u8]) -> Result<RuleSet, IgnoreError> {
        RuleSet::new(IgnoreFile::parse(data)?)
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.file.rules
    }

    /// The ignore file the set was compiled from.
    pub fn file(&self) -> &IgnoreFile {
        &self.file
    }

    /// Whether any rule is an exception (`!`).
    pub fn has_exceptions(&self) -> bool {
        self.has_exceptions
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.compiled.is_empty()
    }

    fn pattern_error(&self, c: &Compiled, detail: &str, path: &[u8]) -> PatternError {
        PatternError {
            line: self.file.rules[c.rule].line,
            pattern: lossy(&c.cleaned),
            detail: detail.to_string(),
            path: lossy(path),
        }
    }

    /// The verdict BuildKit's walk computes (`MatchesUsingParentResults`):
    /// `parent` is the parent directory's [`Verdict::info`], or `None` at the
    /// context root. A rule that hit the parent hits the child without being
    /// consulted; otherwise a normal rule is consulted only while the path is
    /// not excluded and an exception only while it is.
    pub fn verdict(&self, path: &[u8], parent: Option<&MatchInfo>) -> Result<Verdict, PatternError> {
        self.verdict_inner(path, parent, true)
    }

    /// [`verdict`](Self::verdict) for an entry without children (a file or
    /// symlink): the same answer, without the [`Verdict::info`] nobody reads.
    pub fn leaf_verdict(&self, path: &[u8], parent: Option<&MatchInfo>) -> Result<Verdict, PatternError> {
        self.verdict_inner(path, parent, false)
    }

    fn verdict_inner(&self, path: &[u8], parent: Option<&MatchInfo>, keep: bool) -> Result<Verdict, PatternError> {
        let mut info = MatchInfo::default();
        let d = self.evaluate(path, parent, &mut info)?;
        if !keep {
            info = MatchInfo::default();
        }
        Ok(Verdict { excluded: d.excluded, decided_by: d.decided_by, inherited: d.inherited, info })
    }

    /// The threaded verdict, writing the path's hits into `hits` (reused
    /// between calls, so a walk allocates nothing per leaf).
    pub(crate) fn evaluate(
        &self,
        path: &[u8],
        parent: Option<&MatchInfo>,
        hits: &mut MatchInfo,
    ) -> Result<Decision, PatternError> {
        let parent = parent.filter(|h| !h.is_empty());
        hits.reset(self.compiled.len());
        let mut runes = Runes::new(path);
        let mut d = Decision { excluded: false, decided_by: None, inherited: false };
        for (i, c) in self.compiled.iter().enumerate() {
            let mut hit = parent.is_some_and(|h| h.get(i));
            let from_parent = hit;
            if !hit {
                if c.exception != d.excluded {
                    continue;
                }
                hit = c.matcher.matches_as(path, &mut runes).map_err(|e| self.pattern_error(c, e, path))?;
                if !hit && parent.is_none() {
                    hit = self.any_ancestor_matches(c, path);
                }
            }
            if hit {
                hits.set(i);
                d.excluded = !c.exception;
                d.decided_by = Some(c.rule);
                d.inherited = from_parent;
            }
        }
        Ok(d)
    }

    /// Number of compiled rules (the bits of a [`MatchInfo`]).
    pub(crate) fn compiled_len(&self) -> usize {
        self.compiled.len()
    }

    /// Index into [`RuleSet::rules`] of compiled rule `i`.
    pub(crate) fn rule_of(&self, i: usize) -> usize {
        self.compiled[i].rule
    }

    /// The threaded verdict of `path`, computed through each of its ancestor
    /// directories in turn, as the walk would reach it.
    pub fn verdict_for_path(&self, path: &[u8]) -> Result<Verdict, PatternError> {
        let mut info: Option<MatchInfo> = None;
        let mut last = None;
        for (i, _) in path.iter().enumerate().filter(|&(_, &b)| b == b'/').chain(std::iter::once((path.len(), &b'/'))) {
            let v = self.verdict(&path[..i], info.as_ref())?;
            info = Some(v.info.clone());
            last = Some(v);
        }
        Ok(last.expect("at least one component"))
    }

    /// Docker ignores errors from ancestor checks (`match, _ = pattern.match(...)`).
    fn any_ancestor_matches(&self, c: &Compiled, path: &[u8]) -> bool {
        let Some(last) = path.iter().rposition(|&b| b == b'/') else {
            return false;
        };
        let parent = &path[..last];
        parent
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'/')
            .map(|(i, _)| i)
            .chain(std::iter::once(parent.len()))
            .any(|end| c.matcher.matches(&parent[..end]).unwrap_or(false))
    }

    /// The "path or any parent" verdict (`MatchesOrParentMatches`), which the
    /// classic builder and BuildKit's `CopyIgnoredFile` check use. Returns the
    /// verdict and the deciding rule.
    pub fn matches_or_parent(&self, path: &[u8]) -> Result<(bool, Option<usize>), PatternError> {
        let mut excluded = false;
        let mut decided = None;
        let mut runes = Runes::new(path);
        for c in &self.compiled {
            if c.exception != excluded {
                continue;
            }
            let mut hit = c.matcher.matches_as(path, &mut runes).map_err(|e| self.pattern_error(c, e, path))?;
            if !hit {
                hit = self.any_ancestor_matches(c, path);
            }
            if hit {
                excluded = !c.exception;
                decided = Some(c.rule);
            }
        }
        Ok((excluded, decided))
    }

    /// [`matches_or_parent`](Self::matches_or_parent) in a walk: `parent` is
    /// what the parent directory's call wrote to `below` (`None` at the
    /// context root), so no ancestor is matched again. With `below`, writes
    /// the rules that match the path or an ancestor, for its children.
    ///
    /// Exact: a rule's ancestor hits are the rules that matched an ancestor
    /// directly (errors count as no match, as Docker ignores them), and a
    /// rule that hit an ancestor compiled, so consulting it cannot fail.
    pub(crate) fn or_parent_step(
        &self,
        path: &[u8],
        parent: Option<&MatchInfo>,
        mut below: Option<&mut MatchInfo>,
    ) -> Result<(bool, Option<usize>), PatternError> {
        let mut excluded = false;
        let mut decided = None;
        let mut runes = Runes::new(path);
        if let Some(b) = below.as_deref_mut() {
            b.reset(self.compiled.len());
        }
        for (i, c) in self.compiled.iter().enumerate() {
            let consulted = c.exception == excluded;
            let hit = if parent.is_some_and(|p| p.get(i)) {
                true
            } else if consulted {
                c.matcher.matches_as(path, &mut runes).map_err(|e| self.pattern_error(c, e, path))?
            } else if below.is_some() {
                c.matcher.matches_as(path, &mut runes).unwrap_or(false)
            } else {
                false
            };
            if hit {
                if let Some(b) = below.as_deref_mut() {
                    b.set(i);
                }
                if consulted {
                    excluded = !c.exception;
                    decided = Some(c.rule);
                }
            }
        }
        Ok((excluded, decided))
    }

    /// Whether compiled rule `i`, alone in a set and consulted on `path`,
    /// hits it: its own match, or with `ancestors` (the walk's first level,
    /// without parent memory) a match of an ancestor, errors there ignored.
    /// An exception alone is never consulted.
    pub(crate) fn lone_rule_hits<'p>(
        &self,
        i: usize,
        path: &'p [u8],
        runes: &mut Runes<'p>,
        ancestors: bool,
    ) -> Result<bool, PatternError> {
        let c = &self.compiled[i];
        if c.exception {
            return Ok(false);
        }
        let hit = c.matcher.matches_as(path, runes).map_err(|e| self.pattern_error(c, e, path))?;
        Ok(hit || (ancestors && self.any_ancestor_matches(c, path)))
    }

    /// Indices of the rules of the given kind (exceptions or not) that could
    /// match some path strictly below `dir`, judged by each pattern's literal
    /// leading part: a pattern starting `src/` cannot reach below `docs`.
    /// Conservative: a rule that is not excluded by this test may still never
    /// match. Used where a listing does not show a directory's contents.
    pub fn rules_reaching_below(&self, dir: &[u8], exceptions: bool) -> Vec<usize> {
        let mut below = dir.to_vec();
        below.push(b'/');
        let depth = below.iter().filter(|&&b| b == b'/').count();
        self.compiled
            .iter()
            .filter(|c| c.exception == exceptions)
            .filter(|c| {
                // Without `**` or a class (`[^a]` can match `/`), a pattern of
                // k components only matches paths of k components.
                let fixed = !c.cleaned.windows(2).any(|w| w == b"**") && !c.cleaned.contains(&b'[');
                if fixed && c.cleaned.iter().filter(|&&b| b == b'/').count() < depth {
                    return false;
                }
                let lit_len = c.cleaned.iter().position(|b| b"*?[]\\{}|^".contains(b)).unwrap_or(c.cleaned.len());
                let lit = &c.cleaned[..lit_len];
                lit.starts_with(&below) || below.starts_with(lit)
            })
            .map(|c| c.rule)
            .collect()
    }

    /// Whether BuildKit enters a directory these rules exclude (to look for
    /// re-included entries): only with exceptions, and — when every exception
    /// is a literal path once a trailing `/**` or `/*` is cut — only if one of
    /// them lies below it. `prefixes` is [`RuleSet::exception_prefixes`].
    pub(crate) fn enters_excluded_dir(&self, prefixes: Option<&[Vec<u8>]>, dir: &[u8]) -> bool {
        self.has_exceptions && prefixes.is_none_or(|p| has_prefix_below(p, dir))
    }

    /// The exception patterns with a trailing `/**` and then `/*` removed, or
    /// `None` if any still contains `* [ ] ? ^ \`: fsutil's test for whether an
    /// excluded directory can be skipped without looking inside.
    pub(crate) fn exception_prefixes(&self) -> Option<Vec<Vec<u8>>> {
        prefixes(self.compiled.iter().filter(|c| c.exception).map(|c| c.cleaned.as_slice()))
    }

    /// For each compiled rule: whether removing it leaves the walk's pruning
    /// of excluded directories ([`RuleSet::enters_excluded_dir`]) as is.
    /// Always for a normal rule; for an exception, when another exception
    /// remains and the prefix test does not change.
    pub(crate) fn pruning_kept_without(&self) -> Vec<bool> {
        let trimmed = |c: &Compiled| prefixes(std::iter::once(c.cleaned.as_slice())).map(|mut v| v.remove(0));
        let exceptions: Vec<Option<Vec<u8>>> = self.compiled.iter().filter(|c| c.exception).map(trimmed).collect();
        let wild = exceptions.iter().filter(|p| p.is_none()).count();
        let mut count: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
        for p in exceptions.iter().flatten() {
            *count.entry(p.as_slice()).or_default() += 1;
        }
        let mut exc = exceptions.iter();
        self.compiled
            .iter()
            .map(|c| {
                if !c.exception {
                    return true;
                }
                if exceptions.len() == 1 {
                    return false;
                }
                match exc.next().expect("one per exception") {
                    // Still no prefix test if another wildcard exception remains.
                    None => wild > 1,
                    // With a wildcard exception there is no prefix test at all.
                    Some(p) => wild > 0 || count[p.as_slice()] > 1,
                }
            })
            .collect()
    }

    /// Includes patterns (FollowPaths) use the non-exception patterns instead.
    pub(crate) fn inclusion_prefixes(&self) -> Option<Vec<Vec<u8>>> {
        prefixes(self.compiled.iter().filter(|c| !c.exception).map(|c| c.cleaned.as_slice()))
    }
}

/// fsutil's pruning test: does some (trimmed) pattern, followed by `/`, start with `dir/`?
pub(crate) fn has_prefix_below(prefixes: &[Vec<u8>], dir: &[u8]) -> bool {
    prefixes.iter().any(|p| p.len() > dir.len() && p.starts_with(dir) && p[dir.len()] == b'/')
}

fn prefixes<'a>(patterns: impl Iterator<Item = &'a [u8]>) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for p in patterns {
        let p = p.strip_suffix(b"/**").unwrap_or(p);
        let p = p.strip_suffix(b"/*").unwrap_or(p);
        if p.iter().any(|b| b"*[]?^\\".contains(b)) {
            return None;
        }
        let mut v = p.to_vec();
        v.push(b'/');
        out.push(v);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The threaded "or parent" verdict agrees with the one matching every
    /// ancestor, on every path of a small tree, for sets mixing exceptions,
    /// `**`, classes and a lazily failing pattern.
    #[test]
    fn or_parent_step_agrees_with_matches_or_parent() {
        let paths: &[&[u8]] = &[
            b"a",
            b"a/b",
            b"a/b/c.txt",
            b"a/b/d",
            b"a/b/d/e.md",
            b"a/x.md",
            b"docs",
            b"docs/README.md",
            b"docs/sub",
            b"docs/sub/README.md",
            b"src",
            b"src/main.rs",
            b"src/target",
            b"src/target/x",
        ];
        let sets: &[&[&str]] = &[
            &["a", "!a/b/c.txt"],
            &["**/*.md", "!docs/README.md", "docs"],
            &["a/b", "!a/b/d", "a/b/d/*.md"],
            &["**/target", "!src/target/x", "*/b"],
            &["src", "!src/[m]*", "x{1"],
            &["docs/sub", "!docs", "docs/*"],
        ];
        for pats in sets {
            let set = RuleSet::from_patterns(pats).unwrap();
            let mut infos: std::collections::HashMap<&[u8], MatchInfo> = std::collections::HashMap::new();
            for &p in paths {
                let parent = p.iter().rposition(|&b| b == b'/').map(|i| &infos[&p[..i]]);
                let mut below = MatchInfo::default();
                let got = set.or_parent_step(p, parent, Some(&mut below));
                let leaf = set.or_parent_step(p, parent, None);
                let want = set.matches_or_parent(p);
                assert_eq!(got, want, "{pats:?} {}", String::from_utf8_lossy(p));
                assert_eq!(leaf, want, "{pats:?} {}", String::from_utf8_lossy(p));
                infos.insert(p, below);
            }
        }
    }
}
