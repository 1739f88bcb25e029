//! Why a path is sent or not, in words a user can act on — the engine's
//! answer to `git check-ignore -v`, with Docker's quirks spelt out.

use serde::Serialize;

use crate::eval::{NodeState, Transfer};
use crate::ignore::{Rule, RuleSet};
use crate::tree::{ContextTree, EntryKind, NodeId, ROOT};

/// The explanation of one path.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The path asked about.
    pub path: String,
    /// Whether BuildKit sends it.
    pub sent: bool,
    /// Machine-readable reason: `no_rule`, `excluded`, `excluded_by_parent`,
    /// `re_included`, `pruned_parent`, `sent_for_descendant`, `not_followed`,
    /// `not_in_context`, `error`.
    pub reason: &'static str,
    /// The deciding rule, if any.
    pub rule: Option<RuleRef>,
    /// The ancestor the decision comes from (inherited match or pruning).
    pub via: Option<String>,
    /// One or two sentences for a person.
    pub message: String,
    /// Suggestions and caveats (root-only patterns, exceptions that cannot apply).
    pub hints: Vec<String>,
}

/// A rule as shown to the user.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRef {
    /// 1-based line.
    pub line: usize,
    /// The line as written.
    pub text: String,
}

impl From<&Rule> for RuleRef {
    fn from(r: &Rule) -> Self {
        RuleRef { line: r.line, text: r.text.clone() }
    }
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn rule_desc(r: &Rule) -> String {
    format!("`{}` (line {})", r.text, r.line)
}

/// The highest ancestor (or the node) at which `rule` matched the path itself.
fn matched_at(tree: &ContextTree, rules: &RuleSet, node: NodeId, rule: usize) -> Option<NodeId> {
    let mut chain = Vec::new();
    let mut cur = node;
    while cur != ROOT {
        chain.push(cur);
        cur = tree.parent(cur);
    }
    chain.reverse();
    let mut info: Option<crate::ignore::MatchInfo> = None;
    let mut parent_hit = false;
    for id in chain {
        let v = rules.verdict(&tree.path(id), info.as_ref()).ok()?;
        let hit = v.info_hits(rule);
        if hit && !parent_hit {
            return Some(id);
        }
        parent_hit = hit;
        info = Some(v.info);
    }
    None
}

/// Rules without `/` that match the path's last component: in Docker they
/// only apply at the context root, a classic surprise.
fn root_only_hints(rules: &RuleSet, path: &[u8]) -> Vec<String> {
    let Some(slash) = path.iter().rposition(|&b| b == b'/') else {
        return Vec::new();
    };
    let base = &path[slash + 1..];
    let mut hints = Vec::new();
    for r in rules.rules() {
        let p = r.pattern_bytes();
        if r.exception || p.contains(&b'/') || p.starts_with(b"**") {
            continue;
        }
        if let Ok(single) = RuleSet::from_patterns(&[p])
            && single.verdict(base, None).is_ok_and(|v| v.excluded)
        {
            hints.push(format!(
                "{} matches `{}` only at the context root: a pattern without `/` is not a basename match in \
                 Docker; `**/{}` would exclude this path",
                rule_desc(r),
                show(base),
                r.pattern
            ));
        }
    }
    hints
}

/// Explains `path` (relative to the context) given an evaluated transfer.
pub fn explain(tree: &ContextTree, rules: Option<&RuleSet>, t: &Transfer, path: &[u8]) -> Explanation {
    let shown = show(path);
    let Some(node) = tree.lookup(path).filter(|&n| n != ROOT) else {
        return Explanation {
            path: shown.clone(),
            sent: false,
            reason: "not_in_context",
            rule: None,
            via: None,
            message: format!("`{shown}` is not in the context"),
            hints: Vec::new(),
        };
    };
    let v = t.verdict(node);
    let rule = rules.zip(v.rule).map(|(r, i)| &r.rules()[i as usize]);
    let mut hints = Vec::new();
    let mut via = None;
    let (sent, reason, message) = match v.state {
        NodeState::Sent | NodeState::Empty => match rule {
            Some(r) if r.exception => {
                (true, "re_included", format!("sent: excluded by an earlier rule, re-included by {}", rule_desc(r)))
            }
            _ => {
                if let Some(rs) = rules {
                    hints = root_only_hints(rs, path);
                }
                (true, "no_rule", "sent: no rule excludes it".to_string())
            }
        },
        NodeState::SentForDescendant => (
            true,
            "sent_for_descendant",
            format!(
                "sent as a directory only, because something below it is re-included{}",
                rule.map(|r| format!("; it is itself excluded by {}", rule_desc(r))).unwrap_or_default()
            ),
        ),
        NodeState::Excluded | NodeState::Pruned => {
            let r = rule.expect("an excluded node has a deciding rule");
            let idx = v.rule.unwrap_or_default() as usize;
            let at = rules.and_then(|rs| matched_at(tree, rs, node, idx));
            let pruned = v.state == NodeState::Pruned && tree.kind(node) == EntryKind::Dir;
            let tail = if pruned { "; Docker does not even enter this directory" } else { "" };
            match at.filter(|&a| a != node) {
                Some(a) if v.inherited => {
                    via = Some(show(&tree.path(a)));
                    (
                        false,
                        "excluded_by_parent",
                        format!(
                            "excluded: inherited from its parent directory `{}`, which {} matches{tail}",
                            show(&tree.path(a)),
                            rule_desc(r)
                        ),
                    )
                }
                _ => (false, "excluded", format!("excluded by {}{tail}", rule_desc(r))),
            }
        }
        NodeState::NotVisited => {
            let mut cur = tree.parent(node);
            while cur != ROOT && t.verdict(cur).state == NodeState::NotVisited {
                cur = tree.parent(cur);
            }
            let pv = t.verdict(cur);
            let prule = rules.zip(pv.rule).map(|(r, i)| &r.rules()[i as usize]);
            via = Some(show(&tree.path(cur)));
            if let Some(rs) = rules {
                // An exception that would re-include the path if Docker looked inside.
                if let Ok(verdict) = rs.verdict_for_path(path)
                    && !verdict.excluded
                    && let Some(e) = verdict.decided_by.map(|i| &rs.rules()[i])
                    && e.exception
                {
                    hints.push(format!(
                        "{} would re-include it, but BuildKit prunes `{}` before looking inside (an exception \
                         ending in `/*/**` is read as the bare directory): the exception cannot apply",
                        rule_desc(e),
                        show(&tree.path(cur))
                    ));
                }
            }
            (
                false,
                "pruned_parent",
                format!(
                    "excluded: its directory `{}` is excluded{} and Docker does not enter it",
                    show(&tree.path(cur)),
                    prule.map(|r| format!(" by {}", rule_desc(r))).unwrap_or_default()
                ),
            )
        }
        NodeState::NotFollowed => (
            false,
            "not_followed",
            "not sent: the Dockerfile's COPY/ADD sources do not use it (BuildKit FollowPaths)".to_string(),
        ),
        NodeState::Error => (
            false,
            "error",
            format!("evaluating it fails the build: {}", t.error.as_ref().map(|e| e.to_string()).unwrap_or_default()),
        ),
    };
    Explanation { path: shown, sent, reason, rule: rule.map(RuleRef::from), via, message, hints }
}
