//! Numbers as the page prints them (decimal units, as Docker and the CLI do).

/// `1234567` → `1.2 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

/// A signed size change: `−272.1 MB`, `+1.0 kB`, `±0 B`.
pub fn delta(d: i64) -> String {
    match d.signum() {
        0 => "±0 B".to_string(),
        1 => format!("+{}", bytes(d as u64)),
        _ => format!("−{}", bytes(d.unsigned_abs())),
    }
}

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` with a singular or plural noun: `1 file`, `2 files`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// Share of `part` in `whole` as a percentage with one decimal (`0.0` for an empty whole).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 0.1 { "<0.1".into() } else { format!("{p:.1}") }
}

/// Milliseconds for people: `850 ms`, `1.24 s`.
pub fn millis(ms: f64) -> String {
    if ms < 1000.0 { format!("{ms:.0} ms") } else { format!("{:.2} s", ms / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1000), "1.0 kB");
        assert_eq!(bytes(591_758_490), "591.8 MB");
        assert_eq!(delta(-272_100_000), "−272.1 MB");
        assert_eq!(delta(1000), "+1.0 kB");
        assert_eq!(delta(0), "±0 B");
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(100), "100");
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(2000, "file", "files"), "2,000 files");
        assert_eq!(percent(1, 3), "33.3");
        assert_eq!(percent(1, 100_000), "<0.1");
        assert_eq!(percent(5, 0), "0");
        assert_eq!(millis(850.2), "850 ms");
        assert_eq!(millis(1240.0), "1.24 s");
    }
}
