//! Shared code of the ctxlens fuzz targets.
//!
//! [`reference`] is an independent, deliberately naive re-implementation of
//! moby/patternmatcher (`ignorefile.ReadAll`, `New`, the glob → Go regexp
//! translation with its fast paths, `MatchesUsingParentResults` and
//! `MatchesOrParentMatches`) for a subset of the pattern language whose Go
//! regexp meaning is unambiguous: literals, `/`, `.`, `*`, `**`, `?`,
//! `[ab]`, `[^a]`, `[a-c]`, `[!a]`, `\*`, `\.`, a stray `^` (a Go regexp
//! anchor!), `-`, `!` and `..`. Instead of building a regexp it matches the
//! translated token list with a memoised backtracking matcher. The
//! `ignore_differential` target compares it with `ctxlens_core::ignore`.
//!
//! [`Case`] turns fuzz bytes into such patterns and paths.

pub mod reference {
    //! The naive patternmatcher.

    /// Go's `path.Clean` (Unix separators).
    pub fn go_clean(p: &str) -> String {
        if p.is_empty() {
            return ".".into();
        }
        let rooted = p.starts_with('/');
        let mut out: Vec<&str> = Vec::new();
        for part in p.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if out.last().is_some_and(|l| *l != "..") {
                        out.pop();
                    } else if !rooted {
                        out.push("..");
                    }
                }
                x => out.push(x),
            }
        }
        let body = out.join("/");
        match (rooted, body.is_empty()) {
            (true, _) => format!("/{body}"),
            (false, true) => ".".into(),
            (false, false) => body,
        }
    }

    /// `ignorefile.ReadAll` for ASCII text without CR or BOM.
    pub fn read_all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for line in text.split('\n') {
            if line.starts_with('#') {
                continue;
            }
            let mut pattern = line.trim().to_string();
            if pattern.is_empty() {
                continue;
            }
            let invert = pattern.starts_with('!');
            if invert {
                pattern = pattern[1..].trim().to_string();
            }
            if !pattern.is_empty() {
                pattern = go_clean(&pattern);
                if pattern.len() > 1 && pattern.starts_with('/') {
                    pattern.remove(0);
                }
            }
            if invert {
                pattern.insert(0, '!');
            }
            out.push(pattern);
        }
        out
    }

    /// One piece of the translated regexp.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Tok {
        /// A literal character.
        Lit(char),
        /// `[^/]*`
        Star,
        /// `[^/]`
        One,
        /// `(.*/)?`
        OptDirs,
        /// `.*`
        Any,
        /// A character class: negated?, inclusive ranges.
        Class(bool, Vec<(char, char)>),
        /// `^` in the middle of a regexp: start of text.
        Begin,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regexp,
    }

    /// One compiled pattern.
    #[derive(Debug, Clone)]
    pub struct Pattern {
        /// Whether it is an exception (`!`).
        pub exclusion: bool,
        /// The cleaned pattern without `!`.
        pub cleaned: String,
        kind: Kind,
        toks: Vec<Tok>,
    }

    /// A `PatternMatcher`.
    #[derive(Debug, Clone)]
    pub struct Matcher {
        /// The patterns, in order.
        pub patterns: Vec<Pattern>,
    }

    /// Parses a class body starting after `[` (the subset: optional `^`,
    /// then characters and `x-y` ranges, then `]`). Returns the token and
    /// the index after `]`.
    fn class(chars: &[char], mut i: usize) -> (Tok, usize) {
        let neg = chars.get(i) == Some(&'^');
        if neg {
            i += 1;
        }
        let mut items = Vec::new();
        while i < chars.len() && chars[i] != ']' {
            let lo = chars[i];
            if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
                items.push((lo, chars[i + 2]));
                i += 3;
            } else {
                items.push((lo, lo));
                i += 1;
            }
        }
        (Tok::Class(neg, items), i + 1)
    }

    impl Pattern {
        /// patternmatcher's `compile` with `/` as separator.
        fn compile(cleaned: &str, exclusion: bool) -> Pattern {
            let chars: Vec<char> = cleaned.chars().collect();
            let mut toks = Vec::new();
            let mut kind = Kind::Exact;
            let mut pos = 0;
            let mut i = 0;
            while pos < chars.len() {
                let ch = chars[pos];
                pos += 1;
                match ch {
                    '*' if chars.get(pos) == Some(&'*') => {
                        pos += 1;
                        if chars.get(pos) == Some(&'/') {
                            pos += 1;
                        }
                        if pos == chars.len() {
                            if kind == Kind::Exact {
                                kind = Kind::Prefix;
                            } else {
                                toks.push(Tok::Any);
                                kind = Kind::Regexp;
                            }
                        } else {
                            toks.push(Tok::OptDirs);
                            kind = Kind::Regexp;
                        }
                        if i == 0 {
                            kind = Kind::Suffix;
                        }
                    }
                    '*' => {
                        toks.push(Tok::Star);
                        kind = Kind::Regexp;
                    }
                    '?' => {
                        toks.push(Tok::One);
                        kind = Kind::Regexp;
                    }
                    '\\' => {
                        if pos < chars.len() {
                            toks.push(Tok::Lit(chars[pos]));
                            pos += 1;
                            kind = Kind::Regexp;
                        } else {
                            toks.push(Tok::Lit('\\'));
                        }
                    }
                    '[' => {
                        // The scanner emits `[` then the class characters
                        // one by one; only `[`/`]` change the kind.
                        let (t, next) = class(&chars, pos);
                        // Count the runes the scanner would step over.
                        i += next - pos;
                        pos = next;
                        toks.push(t);
                        kind = Kind::Regexp;
                    }
                    '^' => toks.push(Tok::Begin),
                    c => toks.push(Tok::Lit(c)),
                }
                i += 1;
            }
            Pattern { exclusion, cleaned: cleaned.to_string(), kind, toks }
        }

        /// `Pattern.match`.
        pub fn matches(&self, path: &str) -> bool {
            let c = &self.cleaned;
            match self.kind {
                Kind::Exact => path == c,
                Kind::Prefix => path.starts_with(&c[..c.len() - 2]),
                Kind::Suffix => {
                    let suffix = &c[2..];
                    path.ends_with(suffix) || (suffix.starts_with('/') && path == &suffix[1..])
                }
                Kind::Regexp => {
                    let s: Vec<char> = path.chars().collect();
                    let mut memo = vec![None; (self.toks.len() + 1) * (s.len() + 1)];
                    full_match(&self.toks, 0, &s, 0, &mut memo)
                }
            }
        }
    }

    fn full_match(t: &[Tok], ti: usize, s: &[char], si: usize, memo: &mut Vec<Option<bool>>) -> bool {
        let key = ti * (s.len() + 1) + si;
        if let Some(v) = memo[key] {
            return v;
        }
        let r = if ti == t.len() {
            si == s.len()
        } else {
            match &t[ti] {
                Tok::Lit(c) => s.get(si) == Some(c) && full_match(t, ti + 1, s, si + 1, memo),
                Tok::One => s.get(si).is_some_and(|c| *c != '/') && full_match(t, ti + 1, s, si + 1, memo),
                Tok::Class(neg, items) => {
                    s.get(si).is_some_and(|c| items.iter().any(|(lo, hi)| lo <= c && c <= hi) != *neg)
                        && full_match(t, ti + 1, s, si + 1, memo)
                }
                Tok::Begin => si == 0 && full_match(t, ti + 1, s, si, memo),
                Tok::Star => {
                    let mut j = si;
                    loop {
                        if full_match(t, ti + 1, s, j, memo) {
                            break true;
                        }
                        if j < s.len() && s[j] != '/' {
                            j += 1;
                        } else {
                            break false;
                        }
                    }
                }
                Tok::Any => (si..=s.len()).any(|j| full_match(t, ti + 1, s, j, memo)),
                Tok::OptDirs => {
                    full_match(t, ti + 1, s, si, memo)
                        || (si..s.len()).any(|j| s[j] == '/' && full_match(t, ti + 1, s, j + 1, memo))
                }
            }
        };
        memo[key] = Some(r);
        r
    }

    /// Why `New` refused the patterns.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct NewError(pub String);

    impl Matcher {
        /// `patternmatcher.New` (the subset never has `filepath.Match` syntax errors).
        pub fn new(patterns: &[String]) -> Result<Matcher, NewError> {
            let mut out = Vec::new();
            for p in patterns {
                let p = p.trim();
                if p.is_empty() {
                    continue;
                }
                let p = go_clean(p);
                let (exclusion, body) = match p.strip_prefix('!') {
                    Some("") => return Err(NewError("illegal exclusion pattern: \"!\"".into())),
                    Some(rest) => (true, rest.to_string()),
                    None => (false, p),
                };
                out.push(Pattern::compile(&body, exclusion));
            }
            Ok(Matcher { patterns: out })
        }

        /// `MatchesUsingParentResults`: `parent` empty means no information.
        pub fn matches_using_parent_results(&self, file: &str, parent: &[bool]) -> (bool, Vec<bool>) {
            let mut matched = false;
            let mut info = vec![false; self.patterns.len()];
            for (i, p) in self.patterns.iter().enumerate() {
                let mut m = !parent.is_empty() && parent[i];
                if !m {
                    if p.exclusion != matched {
                        continue;
                    }
                    m = p.matches(file);
                    if !m && parent.is_empty() {
                        m = ancestors(file).any(|a| p.matches(a));
                    }
                }
                info[i] = m;
                if m {
                    matched = !p.exclusion;
                }
            }
            (matched, info)
        }

        /// The verdict the walk reaches for `file`, threading through each ancestor.
        pub fn threaded(&self, file: &str) -> bool {
            let mut info: Vec<bool> = Vec::new();
            let mut verdict = false;
            let ends = file.match_indices('/').map(|(i, _)| i).chain(std::iter::once(file.len()));
            for end in ends {
                let (m, i) = self.matches_using_parent_results(&file[..end], &info);
                verdict = m;
                info = i;
            }
            verdict
        }

        /// `MatchesOrParentMatches`.
        pub fn matches_or_parent(&self, file: &str) -> bool {
            let mut matched = false;
            for p in &self.patterns {
                if p.exclusion != matched {
                    continue;
                }
                let m = p.matches(file) || ancestors(file).any(|a| p.matches(a));
                if m {
                    matched = !p.exclusion;
                }
            }
            matched
        }
    }

    /// `a`, `a/b` for `a/b/c` (the parent directories, shortest first).
    fn ancestors(file: &str) -> impl Iterator<Item = &str> {
        let parent = file.rfind('/').map(|pe| &file[..pe]);
        parent
            .into_iter()
            .flat_map(|parent| parent.match_indices('/').map(|(i, _)| &parent[..i]).chain(std::iter::once(parent)))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn m(p: &str, path: &str) -> bool {
            Matcher::new(&[p.to_string()]).unwrap().patterns[0].matches(path)
        }

        #[test]
        fn meanings() {
            assert!(m("a/**/b", "a/b"));
            assert!(m("a/**/b", "a/x/y/b"));
            assert!(m("a**b", "a/b"));
            assert!(!m("a**b", "axb"));
            assert!(m("**/foo", "foo"));
            assert!(m("**foo", "a/xfoo"));
            assert!(m("foo**", "food/x"));
            assert!(m("[^a]", "/"));
            assert!(m("[!a]", "!"));
            assert!(!m("[!a]", "b"));
            assert!(!m("^a*", "^abc"));
            assert!(m("^a*", "abc"));
            assert!(!m("a^b*", "a^b"));
            assert!(m("a^b", "a^b"));
            assert!(!m("*.go", "pkg/x.go"));
            assert!(m("\\*", "*"));
            assert_eq!(go_clean("a/../../b/./c//"), "../b/c");
            assert_eq!(go_clean("/../a"), "/a");
            assert_eq!(read_all("/a/\n!  b/\n#c\n  \n!\n"), vec!["a", "!b", "!"]);
            let pm = Matcher::new(&["a".into(), "!a/b".into()]).unwrap();
            assert!(pm.threaded("a/c"));
            assert!(!pm.threaded("a/b/c"));
            // MatchesOrParentMatches: the exception hits the parent `a/b` too.
            assert!(!pm.matches_or_parent("a/b/c"));
            assert!(pm.matches_or_parent("a/c/d"));
        }
    }
}

/// Fuzz bytes → patterns of the subset and paths.
#[derive(Debug, Clone)]
pub struct Case {
    /// Ignore-file lines.
    pub lines: Vec<String>,
    /// Relative, clean paths.
    pub paths: Vec<String>,
}

const TOKENS: &[&str] = &[
    "a", "b", "c", ".", "/", "*", "**", "?", "[ab]", "[^a]", "[a-c]", "[!a]", "\\*", "\\.", "^", "-", "!", "..", "./",
    "/**/", "**/", "/*", "ab", "a.b",
];

const COMPONENTS: &[&str] =
    &["a", "b", "c", "ab", "ba", ".a", "a.b", "-", "!", "^", "a^", "b-c", "aa", "[ab]", "*", "a*b", "..a", "!a"];

impl Case {
    /// Decodes any bytes (never fails).
    pub fn decode(data: &[u8]) -> Case {
        let mut it = data.iter().copied();
        let mut next = move || it.next();
        let mut lines = Vec::new();
        let n_patterns = next().map_or(1, |b| 1 + b as usize % 6);
        for _ in 0..n_patterns {
            let Some(head) = next() else { break };
            let mut s = String::new();
            if head & 0x80 != 0 {
                s.push('!');
            }
            if head & 0x40 != 0 {
                s.push('/');
            }
            for _ in 0..1 + (head as usize & 7) {
                let Some(b) = next() else { break };
                s.push_str(TOKENS[b as usize % TOKENS.len()]);
            }
            lines.push(s);
        }
        let mut paths = Vec::new();
        let n_paths = next().map_or(1, |b| 1 + b as usize % 8);
        for _ in 0..n_paths {
            let Some(head) = next() else { break };
            let comps: Vec<&str> = (0..1 + (head as usize & 3))
                .map_while(|_| next().map(|b| COMPONENTS[b as usize % COMPONENTS.len()]))
                .collect();
            if !comps.is_empty() {
                paths.push(comps.join("/"));
            }
        }
        if paths.is_empty() {
            paths.push("a/b".into());
        }
        Case { lines, paths }
    }

    /// The `.dockerignore` text.
    pub fn ignore_text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}
