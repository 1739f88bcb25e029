//! Lints that need only the text of the ignore file: `.gitignore` habits
//! that mean something else to Docker, and patterns Docker rejects or that
//! fail lazily.

use crate::ignore::{IgnoreFile, RuleSet};

use super::{Action, Edit, Lint, Severity};

/// A finding about one rule's text.
#[derive(Debug, Clone)]
pub(crate) struct Habit {
    /// Index into the file's rules.
    pub(crate) rule: usize,
    pub(crate) code: &'static str,
    pub(crate) severity: Severity,
    pub(crate) message: String,
    /// Replacement text for the line (or `None`).
    pub(crate) fix: Option<Edit>,
    /// Whether the fix changes what matches (so its effect is worth measuring).
    pub(crate) measure_fix: bool,
}

/// Lints for an ignore file on its own (no context needed). Use it when
/// Docker rejects the file as a whole (there is no [`RuleSet`] then): it
/// names the lines at fault and the habits that led there. On a file that
/// compiles, [`super::lints`] reports the same habits with their effect on
/// the context.
pub fn file_lints(file: &IgnoreFile) -> Vec<Lint> {
    let mut out: Vec<Lint> = habits(file)
        .into_iter()
        .map(|h| Lint {
            line: Some(file.rules[h.rule].line),
            code: h.code,
            severity: h.severity,
            message: h.message,
            paths: Vec::new(),
            path_count: 0,
            bytes: 0,
            rule: Some(file.rules[h.rule].text.trim().to_string()),
            dockerfile_line: None,
            fix: h.fix,
        })
        .collect();
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.line.cmp(&b.line)));
    out
}

/// The body of a pattern (without `!`).
pub(crate) fn body(pattern: &[u8]) -> &[u8] {
    pattern.strip_prefix(b"!").unwrap_or(pattern)
}

/// Whether Docker turns the (cleaned) pattern into a regexp, rather than an
/// equality, prefix or suffix test (patternmatcher's fast paths).
pub(crate) fn is_regexp(p: &[u8]) -> bool {
    crate::ignore::is_regexp(p)
}

/// Byte offsets of unescaped occurrences of `needle` in `p`.
fn unescaped(p: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        if p[i] == b'\\' {
            i += 2;
            continue;
        }
        if p[i..].starts_with(needle) {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// Expands the first `{a,b,...}` group (recursively, at most 32 results);
/// `None` if there is no group with a comma.
pub(crate) fn expand_braces(p: &str) -> Option<Vec<String>> {
    let b = p.as_bytes();
    let open = unescaped(b, b"{").into_iter().next()?;
    let mut depth = 0;
    let mut close = None;
    let mut commas = Vec::new();
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            b',' if depth == 1 => commas.push(i),
            _ => {}
        }
    }
    let close = close?;
    if commas.is_empty() {
        return None;
    }
    let (pre, post) = (&p[..open], &p[close + 1..]);
    let mut bounds = vec![open + 1];
    for c in &commas {
        bounds.push(c + 1);
    }
    let mut out = Vec::new();
    for (k, &start) in bounds.iter().enumerate() {
        let end = if k + 1 < bounds.len() { bounds[k + 1] - 1 } else { close };
        let alt = format!("{pre}{}{post}", &p[start..end]);
        match expand_braces(&alt) {
            Some(more) => out.extend(more),
            None => out.push(alt),
        }
        if out.len() > 32 {
            return None;
        }
    }
    Some(out)
}

/// Whether the text after `{` is a Go regexp repetition `{n}`, `{n,}`, `{n,m}`.
fn is_repetition(after_brace: &[u8]) -> bool {
    let Some(end) = after_brace.iter().position(|&c| c == b'}') else {
        return false;
    };
    let inner = &after_brace[..end];
    let mut parts = inner.splitn(2, |&c| c == b',');
    let a = parts.next().unwrap_or_default();
    let b = parts.next();
    !a.is_empty() && a.iter().all(u8::is_ascii_digit) && b.is_none_or(|b| b.iter().all(u8::is_ascii_digit))
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn replace(line: usize, text: impl Into<String>) -> Option<Edit> {
    Some(Edit { action: Action::Replace, line: Some(line), text: text.into(), after: None })
}

/// The text habits of every rule.
pub(crate) fn habits(file: &IgnoreFile) -> Vec<Habit> {
    let mut out = Vec::new();
    for (idx, rule) in file.rules.iter().enumerate() {
        let line = rule.line;
        let raw = rule.text.as_str();
        let trimmed = raw.trim();
        let bang = if rule.exception { "!" } else { "" };
        let p = body(rule.pattern_bytes());
        let ps = show(p);
        let mut push = |code, severity, message: String, fix: Option<Edit>, measure_fix: bool| {
            out.push(Habit { rule: idx, code, severity, message, fix, measure_fix })
        };

        // `#` only starts a comment in column 0.
        if !raw.starts_with('#') && raw.trim_start().starts_with('#') {
            push(
                "inline_comment",
                Severity::Warning,
                format!(
                    "`{trimmed}` is not a comment: Docker treats `#` as a comment only in column 0, so this line \
                     is the pattern `{ps}`"
                ),
                replace(line, raw.trim_start()),
                true,
            );
        } else if let Some(pos) = unescaped(p, b"#").into_iter().find(|&i| i > 0 && p[i - 1].is_ascii_whitespace()) {
            let before = show(&p[..pos]).trim_end().to_string();
            push(
                "inline_comment",
                Severity::Warning,
                format!(
                    "Docker has no trailing comments: this line is the single pattern `{ps}`, not `{before}` \
                     followed by a comment"
                ),
                (!before.is_empty()).then(|| replace(line, format!("{bang}{before}"))).flatten(),
                true,
            );
        }

        // An escaped trailing space is trimmed away, leaving a lone `\`.
        let raw_end = raw.trim_end_matches(|c: char| c.is_whitespace());
        if raw_end.len() < raw.len() && raw_end.ends_with('\\') && p.ends_with(b"\\") {
            let name = &raw_end[..raw_end.len() - 1];
            let name = name.trim_start().trim_start_matches('!').trim_start();
            push(
                "escaped_space",
                Severity::Error,
                format!(
                    "Docker trims trailing whitespace before reading `\\`, so `{trimmed}` becomes `{ps}`, which \
                     ends in a lone `\\`: Docker rejects the whole ignore file (\"syntax error in pattern\") and \
                     the build fails; write the space as a class: `{bang}{name}[ ]`"
                ),
                replace(line, format!("{bang}{name}[ ]")),
                true,
            );
        } else if let Ok(set) = RuleSet::from_patterns(&[p]) {
            if let Err(e) = set.verdict(b"x", None) {
                push(
                    "lazy_error",
                    Severity::Warning,
                    format!(
                        "Docker accepts `{ps}` but its regexp does not compile ({}): the build fails with \
                         \"syntax error in pattern\" as soon as a path makes Docker consult this line",
                        e.detail
                    ),
                    None,
                    false,
                );
            }
        } else if !p.is_empty() {
            push(
                "bad_pattern",
                Severity::Error,
                format!(
                    "Docker rejects `{ps}` (\"syntax error in pattern\": an unclosed or empty `[...]` class, or a \
                     trailing `\\`), and with it the whole ignore file: the build fails before anything is sent"
                ),
                None,
                false,
            );
        }

        // Brace alternatives (.gitignore globs, shells) do not exist; in a
        // pattern that becomes a regexp, `{n}` and `|` are regexp syntax.
        let regexp = is_regexp(p);
        let bars = if regexp { unescaped(p, b"|") } else { Vec::new() };
        let reps: Vec<usize> = if regexp {
            unescaped(p, b"{").into_iter().filter(|&i| is_repetition(&p[i + 1..])).collect()
        } else {
            Vec::new()
        };
        if !bars.is_empty() {
            push(
                "regexp_syntax",
                Severity::Warning,
                format!(
                    "In a pattern with wildcards Docker passes `|` to Go's regexp as an alternation \
                     (patternmatcher fails to escape it), splitting `{ps}` and its anchors: write one line per \
                     alternative, or `\\|` for a literal bar"
                ),
                None,
                false,
            );
        } else if !reps.is_empty() {
            push(
                "regexp_syntax",
                Severity::Warning,
                format!(
                    "In a pattern with wildcards Docker passes `{{n}}` or `{{n,m}}` to Go's regexp as a repetition \
                     of the previous character (patternmatcher fails to escape braces), so `{ps}` does not match \
                     the braces literally, nor does it expand them; write `\\{{` for a literal brace"
                ),
                None,
                false,
            );
        } else if let Some(alts) = expand_braces(&ps) {
            let lines: Vec<String> = alts.iter().map(|a| format!("{bang}{a}")).collect();
            push(
                "brace_expansion",
                Severity::Warning,
                format!(
                    "Docker does not expand `{{a,b}}`: `{ps}` matches only names containing the braces \
                     literally, not {}",
                    alts.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(" or ")
                ),
                replace(line, lines.join("\n")),
                true,
            );
        }

        // `[!x]` is a class of `!` and `x`.
        if !unescaped(p, b"[!").is_empty() {
            let fixed = ps.replace("[!", "[^");
            push(
                "bang_class",
                Severity::Warning,
                format!(
                    "`[!...]` is not a negated class in Docker (it is Go regexp syntax, where `[!x]` matches `!` \
                     or `x`); `[^...]` negates, and in Docker it can also match `/`: `{bang}{fixed}`"
                ),
                replace(line, format!("{bang}{fixed}")),
                true,
            );
        }

        // Paths never leave the context, and the root itself is never matched.
        if p == b".." || p.starts_with(b"../") {
            push(
                "outside_context",
                Severity::Warning,
                format!(
                    "`{ps}` can never match: Docker matches paths relative to the context root, which never \
                     start with `..`; files outside the context are never sent anyway"
                ),
                Some(Edit { action: Action::Remove, line: Some(line), text: String::new(), after: None }),
                false,
            );
        } else if p == b"/" || p == b"." {
            push(
                "never_matches",
                Severity::Warning,
                format!(
                    "`{trimmed}` matches nothing: Docker cleans it to `{ps}`, and no path in the context is \
                     written that way (the root itself is never matched); `*` excludes everything"
                ),
                None,
                false,
            );
        } else if is_regexp(p)
            && let Some(&i) = unescaped(p, b"^").iter().find(|&&i| i > 0 && !b"*?[]}^/".contains(&p[i - 1]))
            && p[i - 1] != b'['
        {
            push(
                "never_matches",
                Severity::Warning,
                format!(
                    "`{ps}` can never match: in a pattern with wildcards Docker leaves `^` as a regexp anchor, and \
                     after `{}` the start of the path cannot follow; write `\\^` for a literal caret",
                    show(&p[..i])
                ),
                None,
                false,
            );
        }

        // Windows separators.
        let bs = unescaped(p, b"\\");
        let all_bs: Vec<usize> = p.iter().enumerate().filter(|&(_, &c)| c == b'\\').map(|(i, _)| i).collect();
        if !all_bs.is_empty()
            && all_bs.iter().all(|&i| p.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_'))
            && !p.contains(&b'/')
            && bs.is_empty()
        {
            let fixed = ps.replace('\\', "/");
            push(
                "backslash_separator",
                Severity::Warning,
                format!(
                    "`\\` is not a path separator in Docker patterns: it escapes the next character as in a Go \
                     regexp (`\\{}` here), so `{ps}` does not match `{fixed}`; use `/`",
                    p[all_bs[0] + 1] as char
                ),
                replace(line, format!("{bang}{fixed}")),
                true,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexp_kind_follows_the_fast_paths() {
        assert!(!is_regexp(b"node_modules"));
        assert!(!is_regexp(b"**/node_modules"));
        assert!(!is_regexp(b"foo/**"));
        assert!(is_regexp(b"*.go"));
        assert!(is_regexp(b"**/*.go"));
        assert!(is_regexp(b"a\\b"));
        assert!(is_regexp(b"a/**/b"));
    }

    #[test]
    fn brace_groups_expand() {
        assert_eq!(expand_braces("*.{js,ts}").unwrap(), ["*.js", "*.ts"]);
        assert_eq!(expand_braces("{a,b}/{c,d}").unwrap(), ["a/c", "a/d", "b/c", "b/d"]);
        assert!(expand_braces("a{2}").is_none());
        assert!(expand_braces("plain").is_none());
    }
}
