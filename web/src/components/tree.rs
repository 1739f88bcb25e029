//! The context as a tree (largest first, sent vs left out) and the
//! explanation of the selected path.

use yew::prelude::*;

use super::{PanelProps, use_painted_snapshot};
use crate::fmt;
use crate::protocol::TreeRow;
use crate::state::Action;

fn state_label(r: &TreeRow) -> String {
    match r.state.as_str() {
        "in" => "sent".into(),
        "out" => match r.rule_line {
            Some(l) => format!("excluded · line {l}"),
            None => "excluded".into(),
        },
        _ => format!("{}% sent", fmt::percent(r.sent_bytes, r.bytes)),
    }
}

/// The tree.
#[component]
pub fn TreeView(p: &PanelProps) -> Html {
    let s = &*p.state;
    let drawn = use_painted_snapshot(s);
    let Some(snap) = drawn.as_deref() else {
        return html! {};
    };
    let max = snap.tree.iter().filter(|r| r.depth == 1).map(|r| r.bytes).max().unwrap_or(0).max(1);
    let collapse = p.dispatch.reform(|_| Action::CollapseAll);
    let rows = snap.tree.iter().map(|r| {
        let depth = r.depth.min(16);
        if r.kind == "more" {
            return html! {
                <div class={classes!("row", "more", format!("d{depth}"))} role="treeitem" aria-level={r.depth.to_string()}>
                    <span class="twisty"></span>
                    <span class="name muted">{ format!("… {} ({})", r.name, fmt::bytes(r.bytes)) }</span>
                </div>
            };
        }
        let node = r.node;
        let toggle = p.dispatch.reform(move |_| Action::Toggle(node));
        let select = p.dispatch.reform(move |_| Action::Select(Some(node)));
        let w = r.bytes as f64 / max as f64 * 100.0;
        let sw = r.sent_bytes as f64 / max as f64 * 100.0;
        let selected = s.selected == Some(node);
        let icon = match r.kind.as_str() {
            "dir" => "▣",
            "symlink" => "↪",
            _ => "",
        };
        html! {
            <div class={classes!("row", format!("d{depth}"), r.state.clone(), selected.then_some("selected"))}
                 role="treeitem" aria-level={r.depth.to_string()} aria-selected={selected.to_string()}
                 aria-expanded={if r.expandable { Some(r.expanded.to_string()) } else { None }}
                 data-node={node.to_string()}>
                { if r.expandable {
                    html! { <button class="twisty" onclick={toggle}
                                aria-label={format!("{} {}", if r.expanded { "Collapse" } else { "Expand" }, r.name)}>
                                { if r.expanded { "▾" } else { "▸" } }
                            </button> }
                  } else { html! { <span class="twisty"></span> } } }
                <button class="name" onclick={select} title="Why is this sent or not?">
                    { if icon.is_empty() { html!{} } else { html!{ <span class="kind" aria-hidden="true">{ icon }</span> } } }
                    <span class="text">{ r.name.clone() }</span>
                    { if r.kind == "dir" { "/" } else { "" } }
                </button>
                <svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="out" x="0" y="0" width={format!("{w:.2}")} height="6" />
                    <rect class="in" x="0" y="0" width={format!("{sw:.2}")} height="6" />
                </svg>
                <span class="size">{ fmt::bytes(r.bytes) }</span>
                <span class="state small">{ state_label(r) }</span>
            </div>
        }
    });
    html! {
        <section class="card tree-card" aria-labelledby="tree-title">
            <div class="card-head">
                <h2 id="tree-title">{ "Tree" }<span class="muted small">{ " largest first" }</span></h2>
                <button class="button small ghost" onclick={collapse} disabled={s.expanded.is_empty()}>{ "Collapse all" }</button>
            </div>
            <div class="tree" role="tree" aria-label="Context tree">
                { for rows }
                { if snap.tree.is_empty() { html!{ <p class="muted">{ "Nothing to show yet." }</p> } } else { html!{} } }
            </div>
        </section>
    }
}

/// Why the selected path is (not) sent.
#[component]
pub fn ExplainPanel(p: &PanelProps) -> Html {
    let s = &*p.state;
    let close = p.dispatch.reform(|_| Action::Select(None));
    let body = match s.current().and_then(|x| x.explain.as_ref()) {
        None => html! {
            <p class="muted">{ "Click a path in the tree or the treemap to see which rule decided it, and why." }</p>
        },
        Some(e) => html! {
            <div class="explain" aria-live="polite">
                <div class="explain-path mono">{ e.path.clone() }</div>
                <div class={classes!("verdict", if e.sent { "in" } else { "out" })}>
                    { if e.sent { "Sent" } else { "Not sent" } }
                    <span class="muted small">{ format!(" · {} below, {} sent", fmt::bytes(e.bytes), fmt::bytes(e.sent_bytes)) }</span>
                </div>
                <p>{ e.message.clone() }</p>
                { for e.rule.clone().map(|(line, text)| html! {
                    <p class="small">{ "Rule: " }<span class="line-no">{ format!("line {line}") }</span>{ " " }<code>{ text }</code></p>
                }) }
                { if e.hints.is_empty() { html!{} } else { html! {
                    <ul class="hints">{ for e.hints.iter().map(|h| html! { <li>{ h.clone() }</li> }) }</ul>
                } } }
                <button class="button small ghost" onclick={close}>{ "Close" }</button>
            </div>
        },
    };
    html! {
        <section class="card explain-card" aria-labelledby="explain-title">
            <div class="card-head"><h2 id="explain-title">{ "Why?" }</h2></div>
            { body }
        </section>
    }
}
