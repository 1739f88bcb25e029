//! One compiled `.dockerignore` pattern, with patternmatcher's exact meaning.

use super::goregex;
use super::gostr::{decode_rune, lossy_runes};

/// A regexp with the literal text every match must start and end with (as
/// the regexp sees the path: invalid UTF-8 bytes read as U+FFFD). Most paths
/// fail these byte tests, so the regexp rarely runs.
#[derive(Debug, Clone)]
pub(crate) struct Prefiltered {
    prefix: String,
    suffix: String,
    re: regex_automata::meta::Regex,
}

/// The literal prefix and suffix a pattern's regexp requires, read from the
/// pattern's runes as `compile` translates them. Conservative: `|` anywhere
/// (an alternation, through patternmatcher's escaping bug) requires nothing;
/// a `\` anywhere voids the suffix (`\Q` quotes even the final `$`); a
/// literal right before `{` may be repeated or dropped (`a{0}`), so it is
/// not required.
fn required_literals(runes: &[char]) -> (String, String) {
    if runes.contains(&'|') {
        return (String::new(), String::new());
    }
    // Which runes reach the regexp as themselves; `**/` is one token.
    let mut literal = vec![true; runes.len()];
    let mut i = 0;
    while i < runes.len() {
        match runes[i] {
            '*' if runes.get(i + 1) == Some(&'*') => {
                literal[i] = false;
                literal[i + 1] = false;
                if runes.get(i + 2) == Some(&'/') {
                    literal[i + 2] = false;
                    i += 1;
                }
                i += 1;
            }
            '*' | '?' | '[' | ']' | '\\' | '{' | '}' | '^' => literal[i] = false,
            _ => {}
        }
        i += 1;
    }
    let first = literal.iter().position(|&l| !l).unwrap_or(runes.len());
    let mut prefix: Vec<char> = runes[..first].to_vec();
    if runes.get(first) == Some(&'{') {
        prefix.pop();
    }
    let suffix: String = if runes.contains(&'\\') {
        String::new()
    } else {
        let last = literal.iter().rposition(|&l| !l).map_or(0, |i| i + 1);
        runes[last..].iter().collect()
    };
    (prefix.into_iter().collect(), suffix)
}

/// How many compiled regexps [`compile_cached`] keeps per thread: enough
/// for every regexp rule of a real ignore file, small enough to bound memory.
const REGEX_CACHE_SIZE: usize = 512;

/// The longest regexp source [`compile_cached`] keeps (real rules are short).
const REGEX_CACHE_MAX_SOURCE: usize = 256;

/// Compiles a translated regexp, reusing an earlier compilation of the same
/// text. Compiling dominates parsing (the UTF-8 automaton for `[^/]` alone
/// allocates a large table), and a front end re-parses the whole file on
/// every edit, with nearly every line unchanged. `Regex` clones share one
/// compiled program.
fn compile_cached(translated: goregex::Translation) -> Result<regex_automata::meta::Regex, String> {
    let rust = translated.rust;
    if let Some(hit) = REGEX_CACHE.with(|c| c.borrow().get(&rust).cloned()) {
        return hit;
    }
    // Docker's regexps are anchored at both ends (but for the rare `|` that
    // patternmatcher's escaping lets through) and sit behind literal tests of
    // their own: a prefilter cannot speed up an anchored search, yet building
    // one (an Aho-Corasick automaton for alternatives) was most of the
    // compile time of such rules.
    let config = regex_automata::meta::Config::new().auto_prefilter(false).nfa_size_limit(Some(1 << 24));
    let built = regex_automata::meta::Builder::new().configure(config).build(&rust).map_err(|e| format!("{e}"));
    // Counted repetitions can compile to megabytes: those are not kept past
    // their rule set's life.
    if rust.len() > REGEX_CACHE_MAX_SOURCE || translated.counted {
        return built;
    }
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= REGEX_CACHE_SIZE {
            c.clear();
        }
        c.insert(rust, built.clone());
    });
    built
}

thread_local! {
    static REGEX_CACHE: std::cell::RefCell<std::collections::HashMap<String, Result<regex_automata::meta::Regex, String>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

#[cfg(test)]
fn regex_cache_len() -> usize {
    REGEX_CACHE.with(|c| c.borrow().len())
}

/// How a pattern is tested, chosen exactly as Docker chooses (its fast paths
/// are observable: `**foo` is a suffix test, `foo**` a prefix test).
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    /// Byte equality with the cleaned pattern.
    Exact(Vec<u8>),
    /// The path starts with these bytes.
    Prefix(Vec<u8>),
    /// The path ends with these bytes (or equals them without a leading `/`).
    Suffix(Vec<u8>),
    /// Docker's Go regexp, translated, behind literal prefilters.
    Regex(Box<Prefiltered>),
    /// The regexp does not compile in Go: consulting this pattern fails.
    Invalid(String),
}

impl Matcher {
    /// Compiles a cleaned pattern (without its `!`).
    pub(crate) fn compile(pattern: &[u8]) -> Matcher {
        #[derive(PartialEq, Clone, Copy)]
        enum Kind {
            Exact,
            Prefix,
            Suffix,
            Regexp,
        }
        // text/scanner semantics: runes, invalid bytes read as U+FFFD, and a
        // BOM as the very first rune is skipped.
        let mut runes: Vec<char> = Vec::with_capacity(pattern.len());
        let mut rest = pattern;
        while !rest.is_empty() {
            let (c, w) = decode_rune(rest);
            runes.push(c.unwrap_or('\u{FFFD}'));
            rest = &rest[w..];
        }
        if runes.first() == Some(&'\u{FEFF}') {
            runes.remove(0);
        }
        let mut re = String::from("^");
        let mut kind = Kind::Exact;
        let mut pos = 0;
        let mut i = 0;
        while pos < runes.len() {
            let ch = runes[pos];
            pos += 1;
            match ch {
                '*' if runes.get(pos) == Some(&'*') => {
                    pos += 1;
                    if runes.get(pos) == Some(&'/') {
                        pos += 1;
                    }
                    if pos == runes.len() {
                        if kind == Kind::Exact {
                            kind = Kind::Prefix;
                        } else {
                            re.push_str(".*");
                            kind = Kind::Regexp;
                        }
                    } else {
                        re.push_str("(.*/)?");
                        kind = Kind::Regexp;
                    }
                    if i == 0 {
                        kind = Kind::Suffix;
                    }
                }
                '*' => {
                    re.push_str("[^/]*");
                    kind = Kind::Regexp;
                }
                '?' => {
                    re.push_str("[^/]");
                    kind = Kind::Regexp;
                }
                // patternmatcher means to escape `.+()|{}$`, but its 8-byte
                // bitmap loses the bits of `|`, `{` and `}` (124/8 and 123/8
                // overflow a byte): those reach Go's regexp as alternation and
                // repetition. The corpus confirms it (`\x{263a}` matches `☺`).
                '.' | '+' | '(' | ')' | '$' => {
                    re.push('\\');
                    re.push(ch);
                }
                '\\' => {
                    if pos < runes.len() {
                        re.push('\\');
                        re.push(runes[pos]);
                        pos += 1;
                        kind = Kind::Regexp;
                    } else {
                        re.push('\\');
                    }
                }
                '[' | ']' => {
                    re.push(ch);
                    kind = Kind::Regexp;
                }
                _ => re.push(ch),
            }
            i += 1;
        }
        match kind {
            Kind::Exact => Matcher::Exact(pattern.to_vec()),
            Kind::Prefix => Matcher::Prefix(pattern[..pattern.len() - 2].to_vec()),
            Kind::Suffix => Matcher::Suffix(pattern[2..].to_vec()),
            Kind::Regexp => {
                re.push('$');
                match goregex::translate(&re) {
                    Ok(rust) => match compile_cached(rust) {
                        Ok(re) => {
                            let (prefix, suffix) = required_literals(&runes);
                            Matcher::Regex(Box::new(Prefiltered { prefix, suffix, re }))
                        }
                        Err(e) => Matcher::Invalid(e),
                    },
                    Err(e) => Matcher::Invalid(e.0),
                }
            }
        }
    }

    /// Whether `path` (relative, `/`-separated) matches; `Err` carries Go's complaint.
    pub(crate) fn matches(&self, path: &[u8]) -> Result<bool, &str> {
        self.matches_as(path, &mut Runes::new(path))
    }

    /// [`matches`](Self::matches), with the path's regexp view shared
    /// between the patterns consulted for one path.
    pub(crate) fn matches_as<'p>(&self, path: &'p [u8], runes: &mut Runes<'p>) -> Result<bool, &str> {
        Ok(match self {
            Matcher::Exact(p) => path == p.as_slice(),
            Matcher::Prefix(p) => path.starts_with(p),
            Matcher::Suffix(s) => path.ends_with(s) || (s.first() == Some(&b'/') && path == &s[1..]),
            Matcher::Regex(r) => {
                let text = runes.get();
                text.starts_with(r.prefix.as_str()) && text.ends_with(r.suffix.as_str()) && r.re.is_match(text)
            }
            Matcher::Invalid(e) => return Err(e),
        })
    }
}

/// A path as Go's regexp sees it, decoded on first use only.
pub(crate) struct Runes<'p> {
    path: &'p [u8],
    text: Option<std::borrow::Cow<'p, str>>,
}

impl<'p> Runes<'p> {
    pub(crate) fn new(path: &'p [u8]) -> Runes<'p> {
        Runes { path, text: None }
    }

    fn get(&mut self) -> &str {
        self.text.get_or_insert_with(|| lossy_runes(self.path))
    }
}

/// Whether Docker matches the cleaned pattern (without `!`) with a regexp
/// rather than one of its equality, prefix or suffix fast paths.
pub(crate) fn is_regexp(pattern: &[u8]) -> bool {
    matches!(Matcher::compile(pattern), Matcher::Regex(_) | Matcher::Invalid(_))
}

#[cfg(test)]
mod tests {
    use super::Matcher;

    fn m(p: &str, path: &str) -> bool {
        Matcher::compile(p.as_bytes()).matches(path.as_bytes()).unwrap()
    }

    #[test]
    fn real_rules_are_cached_and_counted_repetitions_are_not() {
        // Real rules translate to sources full of `\x{2F}` escapes: those
        // braces are not repetitions and must not keep a rule out.
        let before = super::regex_cache_len();
        for p in ["**/*.log", "src/*/bin", "docs/?.md", "ünï/*.cø"] {
            assert!(matches!(Matcher::compile(p.as_bytes()), Matcher::Regex(_)), "{p}");
        }
        assert_eq!(super::regex_cache_len(), before + 4);
        for p in ["**/*.log", "src/*/bin", "a{2}*", "x{1,900}?"] {
            let _ = Matcher::compile(p.as_bytes());
        }
        assert_eq!(super::regex_cache_len(), before + 4);
    }

    #[test]
    fn cached_compilations_answer_as_fresh_ones() {
        // Twice each: the second compile of a text comes from the cache.
        for _ in 0..2 {
            assert!(m("*.go", "x.go") && !m("*.go", "x/y.go"));
            assert!(m("a{2}*", "aa.txt"), "counted repetitions bypass the cache");
            let bad = Matcher::compile(b"[z-a]*");
            assert!(matches!(bad, Matcher::Invalid(_)));
            assert!(bad.matches(b"x").is_err());
        }
    }

    #[test]
    fn docker_meanings() {
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
        assert!(m("[[:alpha:]]", "q"));
        assert!(m("[*]", "]"));
        assert!(m("[*]", "[]"));
        assert!(m("a\\b", "a"));
        assert!(m("\\d", "7"));
        assert!(!m("\\d", "٣"));
        assert!(m("\\Qabc", "abc$"));
        assert!(m("^a*", "abc"));
        assert!(!m("^a*", "^abc"));
        assert!(!m("a^b*", "a^b"));
        assert!(m("{a,b}", "{a,b}"));
        assert!(m("a{2}*", "aa.txt"));
        assert!(m("x|y*", "x/anything"));
        assert!(m("\\x{263a}", "☺"));
        assert!(m("\\x41", "A"));
        assert!(m("\\pL", "é"));
        assert!(!m("*.go", "pkg/x.go"));
    }

    #[test]
    fn wildcards_take_whole_runes() {
        let b = |p: &str, path: &[u8]| Matcher::compile(p.as_bytes()).matches(path).unwrap();
        assert!(m("?", "é") && !m("??", "é") && m("??", "éü"));
        assert!(m("?*?", "éa") && !m("?*?", "é"));
        // Go reads each invalid byte as one U+FFFD rune.
        assert!(b("?", b"\xff") && b("??", b"\xff\xfe") && !b("?", b"\xe2\x82") && b("??", b"\xe2\x82"));
        assert!(m("a*b", "a\nb") && !m("a*b", "a/b") && !m("*", "ü/x"));
        // `**` is Go's `.`, which stops at a newline.
        assert!(m("a/**/b", "a/x/y/b") && !m("a/**/b", "a/x\ny/b"));
        assert!(m("[^a]", "é") && m("[^a]?", "éé") && !m("[^a]", "a"));
        assert!(!m("[^é]", "é") && m("[^é]", "ü"));
        assert!(m("*.ü", "x.ü") && m("[^/]?", "aé") && !m("[!/]?", "aé"));
        assert!(m("[[:^alpha:]]", "é") && !m("[[:^alpha:]]", "q"));
    }

    #[test]
    fn prefilter_literals_are_required() {
        let lits = |p: &str| super::required_literals(&p.chars().collect::<Vec<_>>());
        let own = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(lits("**/*.pyc"), own("", ".pyc"));
        assert_eq!(lits("services/*/bin"), own("services/", "/bin"));
        assert_eq!(lits("x**/b.c"), own("x", "b.c"));
        assert_eq!(lits("ab{2}c*"), own("a", ""));
        assert_eq!(lits("x|y*"), own("", ""));
        assert_eq!(lits("a*\\Qb"), own("a", ""));
        assert!(m("x**/b.c", "xb.c"));
        assert!(m("ab{0}c*", "acd"));
        assert!(!m("**/*.pyc", "a/b.py"));
    }

    #[test]
    fn lazy_errors() {
        for p in ["[z-a]", "[[:foo:]]", "\\1", "\\é", "\\u0041"] {
            assert!(Matcher::compile(p.as_bytes()).matches(b"x").is_err(), "{p}");
        }
    }
}
