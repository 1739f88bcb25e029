//! Validators BuildKit applies while converting: image references
//! (`distribution/reference`), platforms (`containerd/platforms`), git refs
//! (`dfgitutil`), digests, `--chmod` modes, stop signals, EXPOSE ports, tmpfs
//! sizes. Only the accept/reject decisions (and a normalised name) matter
//! here.

use std::sync::OnceLock;

use regex::Regex;

use super::golike;

fn cached(cell: &'static OnceLock<Option<Regex>>, pat: impl FnOnce() -> String) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(&pat()).ok()).as_ref()
}

const PATH_COMPONENT: &str = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const DOMAIN_COMPONENT: &str = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";

fn domain_and_port() -> String {
    let domain_name = format!("{DOMAIN_COMPONENT}(?:\\.{DOMAIN_COMPONENT})*");
    format!("(?:{domain_name}|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?")
}

fn reference_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    cached(&RE, || {
        let name = format!("(?:{}/)?{PATH_COMPONENT}(?:/{PATH_COMPONENT})*", domain_and_port());
        let tag = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        format!("^({name})(?::({tag}))?(?:@({digest}))?$")
    })
}

fn name_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    cached(&RE, || format!("^(?:({})/)?({PATH_COMPONENT}(?:/{PATH_COMPONENT})*)$", domain_and_port()))
}

/// `digest.Parse`.
pub(crate) fn validate_digest(s: &str) -> Result<(), String> {
    let Some(i) = s.find(':').filter(|&i| i > 0 && i + 1 < s.len()) else {
        return Err("invalid checksum digest format".into());
    };
    let (alg, enc) = (s.get(..i).unwrap_or_default(), s.get(i + 1..).unwrap_or_default());
    let size = match alg {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => {
            static RE: OnceLock<Option<Regex>> = OnceLock::new();
            let re = cached(&RE, || "^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$".into());
            if re.is_some_and(|r| r.is_match(s)) {
                return Err("unsupported digest algorithm".into());
            }
            return Err("invalid checksum digest format".into());
        }
    };
    if enc.len() != size * 2 {
        return Err("invalid checksum digest length".into());
    }
    if !enc.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err("invalid checksum digest format".into());
    }
    Ok(())
}

/// `reference.ParseNormalizedNamed` followed by `TagNameOnly`: the
/// canonical name (`docker.io/library/alpine:latest`) or BuildKit's error.
pub(crate) fn parse_normalized_named(s: &str) -> Result<String, String> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(format!("invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"));
    }
    let (domain, remainder) = split_docker_domain(s);
    let remote = remainder.split(':').next().unwrap_or_default();
    if golike::to_lower_str(remote) != remote {
        return Err(format!("invalid reference format: repository name ({remote}) must be lowercase"));
    }
    let full = format!("{domain}/{remainder}");
    let Some(re) = reference_regex() else {
        return Err("invalid reference format".into());
    };
    let Some(caps) = re.captures(&full) else {
        if full.is_empty() {
            return Err("repository name must have at least one component".into());
        }
        if re.is_match(&golike::to_lower_str(&full)) {
            return Err("invalid reference format: repository name must be lowercase".into());
        }
        return Err("invalid reference format".into());
    };
    let name = caps.get(1).map_or("", |m| m.as_str());
    let path = name_regex().and_then(|r| r.captures(name)).and_then(|c| c.get(2)).map_or(name, |m| m.as_str());
    if path.len() > 255 {
        return Err("repository name must not be more than 255 characters".into());
    }
    let tag = caps.get(2).map(|m| m.as_str());
    let digest = caps.get(3).map(|m| m.as_str());
    if let Some(d) = digest {
        validate_digest(d)?;
    }
    let mut out = name.to_owned();
    match (tag, digest) {
        (None, None) => out.push_str(":latest"),
        (t, d) => {
            if let Some(t) = t {
                out.push(':');
                out.push_str(t);
            }
            if let Some(d) = d {
                out.push('@');
                out.push_str(d);
            }
        }
    }
    Ok(out)
}

fn split_docker_domain(name: &str) -> (String, String) {
    let Some((maybe_domain, maybe_remote)) = name.split_once('/') else {
        return ("docker.io".into(), format!("library/{name}"));
    };
    let (domain, remote) = if maybe_domain == "localhost" {
        (maybe_domain.to_owned(), maybe_remote.to_owned())
    } else if maybe_domain == "index.docker.io" {
        ("docker.io".to_owned(), maybe_remote.to_owned())
    } else if maybe_domain.contains(['.', ':']) || golike::to_lower_str(maybe_domain) != maybe_domain {
        (maybe_domain.to_owned(), maybe_remote.to_owned())
    } else {
        ("docker.io".to_owned(), name.to_owned())
    };
    if domain == "docker.io" && !remote.contains('/') {
        return (domain, format!("library/{remote}"));
    }
    (domain, remote)
}

/// A parsed platform.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Platform {
    pub(crate) os: String,
    pub(crate) arch: String,
    pub(crate) variant: String,
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

fn normalize_arch(arch: &str, variant: &str) -> (String, String) {
    let arch = golike::to_lower_str(arch);
    let mut variant = golike::to_lower_str(variant);
    let arch = match arch.as_str() {
        "i386" => {
            variant.clear();
            "386".to_owned()
        }
        "x86_64" | "x86-64" | "amd64" => {
            if variant == "v1" {
                variant.clear();
            }
            "amd64".to_owned()
        }
        "aarch64" | "arm64" => {
            match variant.as_str() {
                "8" | "v8" | "v8.0" => variant.clear(),
                "9" | "9.0" | "v9.0" => variant = "v9".into(),
                _ => {}
            }
            "arm64".to_owned()
        }
        "armhf" => {
            variant = "v7".into();
            "arm".to_owned()
        }
        "armel" => {
            variant = "v6".into();
            "arm".to_owned()
        }
        "arm" => {
            match variant.as_str() {
                "" | "7" => variant = "v7".into(),
                "5" | "6" | "8" => variant = format!("v{variant}"),
                _ => {}
            }
            arch
        }
        _ => arch,
    };
    (arch, variant)
}

/// `platforms.Parse` (for a linux/amd64 build host).
pub(crate) fn parse_platform(spec: &str) -> Result<Platform, String> {
    if spec.contains('*') {
        return Err(format!("{}: wildcards not yet supported", golike::quote(spec)));
    }
    static OS_RE: OnceLock<Option<Regex>> = OnceLock::new();
    static PART_RE: OnceLock<Option<Regex>> = OnceLock::new();
    let os_re = cached(&OS_RE, || r"^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)((?:\+[A-Za-z0-9_.-]+)*)\))?$".into());
    let part_re = cached(&PART_RE, || r"^[A-Za-z0-9_.-]+$".into());
    let parts: Vec<&str> = spec.splitn(4, '/').collect();
    let invalid = || format!("{}: invalid platform specifier", golike::quote(spec));
    let first = parts.first().copied().unwrap_or_default();
    let os_caps = os_re.and_then(|r| r.captures(first)).ok_or_else(invalid)?;
    let mut os = golike::to_lower_str(os_caps.get(1).map_or("", |m| m.as_str()));
    if os == "macos" {
        os = "darwin".into();
    }
    for p in parts.iter().skip(1) {
        if !part_re.is_some_and(|r| r.is_match(p)) {
            return Err(invalid());
        }
    }
    match parts.len() {
        1 => {
            if KNOWN_OS.contains(&os.as_str()) {
                return Ok(Platform { os, arch: "amd64".into(), variant: String::new() });
            }
            let (arch, mut variant) = normalize_arch(first, "");
            if arch == "arm" && variant == "v7" {
                variant.clear();
            }
            if KNOWN_ARCH.contains(&arch.as_str()) {
                return Ok(Platform { os: "linux".into(), arch, variant });
            }
            Err(format!("{}: unknown operating system or architecture", golike::quote(spec)))
        }
        2 => {
            let (arch, mut variant) = normalize_arch(parts.get(1).copied().unwrap_or_default(), "");
            if arch == "arm" && variant == "v7" {
                variant.clear();
            }
            Ok(Platform { os, arch, variant })
        }
        3 => {
            let (arch, mut variant) =
                normalize_arch(parts.get(1).copied().unwrap_or_default(), parts.get(2).copied().unwrap_or_default());
            if arch == "arm64" && variant.is_empty() {
                variant = "v8".into();
            }
            Ok(Platform { os, arch, variant })
        }
        _ => Err(format!("{}: cannot parse platform specifier", golike::quote(spec))),
    }
}

/// What `dfgitutil.ParseGitRef` makes of a COPY/ADD source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GitRef {
    /// Not a git reference (a path, an HTTP URL without `.git`, ...).
    NotGit,
    /// A git reference; `keep_git_dir` and `checksum` from its query.
    Git { keep_git_dir: Option<bool>, checksum: String },
    /// A git reference BuildKit rejects.
    Invalid(String),
}

fn percent_decode(s: &str, plus_space: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => {
                let h = b.get(i + 1..i + 3)?;
                let v = u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
                out.push(v);
                i += 3;
            }
            b'+' if plus_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(golike::lossy(&out))
}

/// `dfgitutil.ParseGitRef`, reduced to what the frontend does with it.
pub(crate) fn git_ref(src: &str) -> GitRef {
    if src.starts_with("./") || src.starts_with("../") || src.starts_with("github.com/") {
        // `github.com/...` is a git ref "indistinguishable from local": a path.
        return GitRef::NotGit;
    }
    static PROTO: OnceLock<Option<Regex>> = OnceLock::new();
    static SCP: OnceLock<Option<Regex>> = OnceLock::new();
    let proto_re = cached(&PROTO, || "^[a-zA-Z0-9]+://".into());
    let scp_re = cached(&SCP, || "^[a-zA-Z0-9_-]+@[a-zA-Z0-9.-]+:.*$".into());
    if let Some(m) = proto_re.and_then(|r| r.find(src)) {
        let proto = golike::to_lower_str(src.get(..m.end().saturating_sub(3)).unwrap_or_default());
        if !matches!(proto.as_str(), "http" | "https" | "ssh" | "git") {
            return GitRef::NotGit;
        }
        let rest = src.get(m.end()..).unwrap_or_default();
        let (rest, _fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let (hostpath, query) = rest.split_once('?').unwrap_or((rest, ""));
        if hostpath.bytes().any(|b| b < 0x20 || b == 0x7f) || query.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return GitRef::NotGit;
        }
        let path = match hostpath.find('/') {
            Some(i) => hostpath.get(i..).unwrap_or_default(),
            None => "",
        };
        let Some(path) = percent_decode(path, false) else {
            return GitRef::NotGit;
        };
        if matches!(proto.as_str(), "http" | "https") && !path.ends_with(".git") {
            return GitRef::NotGit;
        }
        return load_query(query);
    }
    if scp_re.is_some_and(|r| r.is_match(src)) {
        return GitRef::Git { keep_git_dir: None, checksum: String::new() };
    }
    GitRef::NotGit
}

/// `GitRef.loadQuery`.
fn load_query(query: &str) -> GitRef {
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for part in query.split('&') {
        if part.is_empty() || part.contains(';') {
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (Some(k), Some(v)) = (percent_decode(k, true), percent_decode(v, true)) else {
            continue;
        };
        match pairs.iter_mut().find(|(pk, _)| *pk == k) {
            Some((_, vs)) => vs.push(v),
            None => pairs.push((k, vec![v])),
        }
    }
    let mut keep_git_dir = None;
    let mut checksum = String::new();
    let mut reference = String::new();
    let mut tag = String::new();
    let mut branch = String::new();
    let flag = |name: &str, v: Option<&String>| -> Result<bool, String> {
        match v {
            None => Ok(true),
            Some(v) => golike::parse_bool(v).ok_or_else(|| format!("invalid {name} value: {}", golike::quote(v))),
        }
    };
    for (k, vs) in &pairs {
        if vs.len() > 1 {
            return GitRef::Invalid(format!("query {} has multiple values", golike::quote(k)));
        }
        let mut v = vs.first();
        if v.is_some_and(|s| s.is_empty()) {
            if matches!(k.as_str(), "submodules" | "keep-git-dir" | "fetch-by-commit") {
                v = None;
            } else {
                return GitRef::Invalid(format!("query {} has no value", golike::quote(k)));
            }
        }
        let val = v.cloned().unwrap_or_default();
        let res = match k.as_str() {
            "ref" => {
                if !reference.is_empty() && reference != val {
                    Err(format!("ref conflicts: {} vs {}", golike::quote(&reference), golike::quote(&val)))
                } else {
                    reference = val;
                    Ok(())
                }
            }
            "tag" => {
                tag = val;
                Ok(())
            }
            "branch" => {
                branch = val;
                Ok(())
            }
            "subdir" => Ok(()),
            "checksum" | "commit" => {
                checksum = val;
                Ok(())
            }
            "keep-git-dir" => flag("keep-git-dir", v).map(|b| keep_git_dir = Some(b)),
            "submodules" => flag("submodules", v).map(|_| ()),
            "fetch-by-commit" => flag("fetch-by-commit", v).map(|_| ()),
            "mtime" => match val.as_str() {
                "checkout" | "commit" => Ok(()),
                _ => Err(format!("invalid mtime value: {}", golike::quote(&val))),
            },
            other => Err(format!("unexpected query {}", golike::quote(other))),
        };
        if let Err(e) = res {
            return GitRef::Invalid(e);
        }
    }
    if !tag.is_empty() && !branch.is_empty() {
        return GitRef::Invalid("branch conflicts with tag".into());
    }
    for (value, prefix) in [(tag, "refs/tags/"), (branch, "refs/heads/")] {
        if value.is_empty() {
            continue;
        }
        let full = if value.starts_with(prefix) { value } else { format!("{prefix}{value}") };
        if !reference.is_empty() && reference != full {
            return GitRef::Invalid(format!(
                "ref conflicts: {} vs {}",
                golike::quote(&reference),
                golike::quote(&full)
            ));
        }
        reference = full;
    }
    GitRef::Git { keep_git_dir, checksum }
}

/// `--chmod`: octal up to 07777, or a symbolic mode (`u+x,go-w`).
pub(crate) fn validate_chmod(s: &str) -> Result<(), String> {
    let non_octal = || format!("invalid chmod parameter: '{s}'. it should be octal string and between 0 and 07777");
    if let Some(v) = golike::parse_uint(s, 8, 32) {
        return if v > 0o7777 { Err(non_octal()) } else { Ok(()) };
    }
    if s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err(non_octal());
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = cached(&RE, || "^[augo]*(?:[-+=][rstwXxugo]*)+(?:,[augo]*(?:[-+=][rstwXxugo]*)+)*$".into());
    if re.is_some_and(|r| r.is_match(s)) { Ok(()) } else { Err("invalid syntax".into()) }
}

/// `signal.ParseSignal` (Linux names).
pub(crate) fn parse_signal(s: &str) -> Result<(), String> {
    if let Some(n) = golike::atoi(s) {
        return if n == 0 { Err(format!("invalid signal: {s}")) } else { Ok(()) };
    }
    let up = String::from_utf8_lossy(&golike::to_upper(s.as_bytes())).into_owned();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    const NAMES: &[&str] = &[
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
        "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
        "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
    ];
    let rt = |prefix: &str, sign: char| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(sign))
            .and_then(|n| n.parse::<u32>().ok().filter(|v| n == v.to_string()))
            .is_some_and(|v| (1..=15).contains(&v) && (prefix == "RTMIN" || v <= 14))
    };
    if NAMES.contains(&name) || rt("RTMIN", '+') || rt("RTMAX", '-') {
        Ok(())
    } else {
        Err(format!("invalid signal: {s}"))
    }
}

/// `net.ParseIP`.
fn parse_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// One EXPOSE word: `(proto_not_lowercase, has_ip_or_host_port)` for the
/// lint rules, or BuildKit's error.
pub(crate) fn parse_port(raw: &str) -> Result<(bool, bool), String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let (ip, host, container) = match n {
        1 => (String::new(), "", parts.first().copied().unwrap_or_default()),
        2 => (String::new(), parts.first().copied().unwrap_or_default(), parts.get(1).copied().unwrap_or_default()),
        _ => (
            parts.get(..n - 2).unwrap_or_default().join(":"),
            parts.get(n - 2).copied().unwrap_or_default(),
            parts.get(n - 1).copied().unwrap_or_default(),
        ),
    };
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() {
        return Err(format!("invalid port: {}: no port specified", golike::quote(raw)));
    }
    let lproto = golike::to_lower_str(proto);
    if !matches!(lproto.as_str(), "" | "tcp" | "udp" | "sctp") {
        return Err(format!("invalid port: {}: invalid proto: {proto}", golike::quote(raw)));
    }
    let lint = (lproto != proto, !ip.is_empty() || !host.is_empty());
    let mut ip = ip;
    if ip.starts_with('[') {
        match ip.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            Some(inner) if !inner.contains(['[', ']']) => ip = inner.to_owned(),
            _ => return Err(format!("invalid IP address {ip}")),
        }
    }
    if !ip.is_empty() && !parse_ip(&ip) {
        return Err(format!("invalid IP address: {ip}"));
    }
    let (start, end) = port_range(port).map_err(|_| format!("invalid containerPort: {port}"))?;
    if !host.is_empty() {
        let (hs, he) = port_range(host).map_err(|_| format!("invalid hostPort: {host}"))?;
        if end - start != he - hs && end != start {
            return Err(format!("invalid ranges specified for container and host Ports: {port} and {host}"));
        }
    }
    Ok(lint)
}

fn port_range(ports: &str) -> Result<(i64, i64), ()> {
    if ports.is_empty() {
        return Err(());
    }
    let (start, end) = match ports.split_once('-') {
        Some((s, e)) => (s, Some(e)),
        None => (ports, None),
    };
    let num = |s: &str| golike::atoi(s).filter(|v| (0..=65535).contains(v)).ok_or(());
    let s = num(start)?;
    match end {
        None => Ok((s, s)),
        Some(e) if e == start => Ok((s, s)),
        Some(e) => {
            let e = num(e)?;
            if e < s { Err(()) } else { Ok((s, e)) }
        }
    }
}

/// `units.RAMInBytes` (tmpfs `size=`).
pub(crate) fn ram_in_bytes(s: &str) -> Result<(), String> {
    let bad = || format!("invalid size: '{s}'");
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return Err(bad());
    };
    let (num, sfx) = if s.as_bytes().get(sep) == Some(&b' ') {
        (s.get(..sep).unwrap_or_default(), s.get(sep + 1..).unwrap_or_default())
    } else {
        (s.get(..sep + 1).unwrap_or_default(), s.get(sep + 1..).unwrap_or_default())
    };
    let size: f64 = num.parse().map_err(|_| bad())?;
    if size < 0.0 {
        return Err(bad());
    }
    if sfx.is_empty() {
        return Ok(());
    }
    let sfx = golike::to_lower_str(sfx);
    let b = sfx.as_bytes();
    let ok = match b {
        [b'b'] => true,
        [c] | [c, b'b'] | [c, b'i', b'b'] => matches!(c, b'k' | b'm' | b'g' | b't' | b'p'),
        _ => false,
    };
    if ok { Ok(()) } else { Err(format!("invalid suffix: '{sfx}'")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_normalized_named("alpine").unwrap(), "docker.io/library/alpine:latest");
        assert_eq!(parse_normalized_named("alpine:3.20").unwrap(), "docker.io/library/alpine:3.20");
        assert_eq!(parse_normalized_named("example/onbuild:1").unwrap(), "docker.io/example/onbuild:1");
        assert_eq!(parse_normalized_named("ghcr.io/a/b").unwrap(), "ghcr.io/a/b:latest");
        assert!(
            parse_normalized_named(&format!("localhost:5000/x@sha256:{}", "a".repeat(64)))
                .unwrap()
                .starts_with("localhost:5000/x@sha256:")
        );
        assert!(parse_normalized_named("Alpine").is_err());
        assert!(parse_normalized_named("").is_err());
        assert!(parse_normalized_named("a b").is_err());
        assert!(parse_normalized_named("x@sha256:abc").is_err());
    }

    #[test]
    fn platforms() {
        assert_eq!(parse_platform("linux/amd64").unwrap().arch, "amd64");
        assert_eq!(parse_platform("linux").unwrap().arch, "amd64");
        assert_eq!(parse_platform("arm64").unwrap().os, "linux");
        assert_eq!(parse_platform("linux/x86_64").unwrap().arch, "amd64");
        assert!(parse_platform("nope").is_err());
        assert!(parse_platform("a/b/c/d").is_err());
        assert!(parse_platform("linux/*").is_err());
    }

    #[test]
    fn git_refs() {
        assert_eq!(git_ref("src/app"), GitRef::NotGit);
        assert_eq!(git_ref("https://example.com/x.tgz"), GitRef::NotGit);
        assert!(matches!(git_ref("https://github.com/moby/buildkit.git#v0.20.0"), GitRef::Git { .. }));
        assert!(matches!(git_ref("git@github.com:moby/buildkit.git"), GitRef::Git { .. }));
        assert!(matches!(git_ref("git://github.com/moby/buildkit.git"), GitRef::Git { .. }));
        assert!(matches!(git_ref("HTTPS://example.com/x.tgz"), GitRef::NotGit));
        assert!(matches!(git_ref("https://h/r.git?foo=bar"), GitRef::Invalid(_)));
        assert!(matches!(git_ref("https://h/r.git?keep-git-dir=1"), GitRef::Git { keep_git_dir: Some(true), .. }));
    }

    #[test]
    fn misc() {
        assert!(validate_chmod("755").is_ok());
        assert!(validate_chmod("17777").is_err());
        assert!(validate_chmod("64a").is_err());
        assert!(validate_chmod("u+x,go-w").is_ok());
        assert!(validate_chmod("u").is_err());
        assert!(validate_chmod("+x,").is_err());
        assert!(parse_signal("SIGTERM").is_ok());
        assert!(parse_signal("kill").is_ok());
        assert!(parse_signal("RTMIN+3").is_ok());
        assert!(parse_signal("0").is_err());
        assert!(parse_signal("NOPE").is_err());
        assert_eq!(parse_port("80/TCP").unwrap(), (true, false));
        assert_eq!(parse_port("127.0.0.1:80:80").unwrap(), (false, true));
        assert!(parse_port("80/xyz").is_err());
        assert!(parse_port("9-1").is_err());
        assert!(parse_port("70000").is_err());
        assert!(ram_in_bytes("128m").is_ok());
        assert!(ram_in_bytes("1 GiB").is_ok());
        assert!(ram_in_bytes("12x").is_err());
        assert!(validate_digest(&format!("sha256:{}", "a".repeat(64))).is_ok());
        assert!(validate_digest("sha256:abc").is_err());
        assert!(validate_digest("md5:abc").is_err());
    }
}
