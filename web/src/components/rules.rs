//! The rules editor (line numbers, per-line effect) and the savings table.

use std::collections::HashMap;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::PanelProps;
use crate::app::now;
use crate::fmt;
use crate::protocol::RuleRow;
use crate::state::Action;

fn saving_text(r: &RuleRow) -> (String, &'static str) {
    match r.saving_bytes {
        Some(b) if b > 0 => (format!("saves {}", fmt::bytes(b as u64)), "good"),
        Some(b) if b < 0 => (format!("re-adds {}", fmt::bytes(b.unsigned_abs())), "bad"),
        Some(_) if r.excluded_bytes > 0 || r.excluded_files > 0 => ("overlaps other rules".into(), "muted"),
        Some(_) => ("no effect".into(), "muted"),
        None => ("…".into(), "muted"),
    }
}

/// The rules editor.
#[component]
pub fn RulesEditor(p: &PanelProps) -> Html {
    let s = &*p.state;
    let area = use_node_ref();
    let gutter = use_node_ref();
    let notes = use_node_ref();
    let snap = s.current();

    let oninput = p.dispatch.reform(|e: InputEvent| {
        let v =
            e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()).map(|a| a.value()).unwrap_or_default();
        Action::EditRules { text: v, now: now() }
    });
    let onscroll = {
        let (area, gutter, notes) = (area.clone(), gutter.clone(), notes.clone());
        Callback::from(move |_: Event| {
            if let Some(a) = area.cast::<HtmlElement>() {
                for r in [&gutter, &notes] {
                    if let Some(el) = r.cast::<HtmlElement>() {
                        el.set_scroll_top(a.scroll_top());
                    }
                }
            }
        })
    };

    let rows: HashMap<u64, &RuleRow> = snap.map(|s| s.rules.iter().map(|r| (r.line, r)).collect()).unwrap_or_default();
    let errors: HashMap<u64, &str> =
        snap.map(|s| s.rule_errors.iter().map(|e| (e.line, e.message.as_str())).collect()).unwrap_or_default();
    let n_lines = s.rules.split('\n').count().max(1);
    // The most serious lint of each line.
    let mut lints: HashMap<u64, (&str, &str)> = HashMap::new();
    for l in snap.and_then(|s| s.insight.as_ref()).map(|i| i.lints.as_slice()).unwrap_or_default() {
        if let Some(line) = l.line {
            lints.entry(line).or_insert((l.severity.as_str(), l.message.as_str()));
        }
    }

    let line_notes = (1..=n_lines as u64).map(|l| {
        if let Some(msg) = errors.get(&l) {
            return html! { <div class="note err" title={msg.to_string()}>{ "✕ Docker rejects this line" }</div> };
        }
        match rows.get(&l) {
            Some(r) => {
                let (text, class) = saving_text(r);
                let short = match r.saving_bytes {
                    Some(b) if b > 0 => format!("−{}", fmt::bytes(b as u64)),
                    Some(b) if b < 0 => format!("+{}", fmt::bytes(b.unsigned_abs())),
                    _ => text.clone(),
                };
                let title = format!(
                    "`{}`: decides {} ({}); without it the context would be {}{}",
                    r.pattern,
                    fmt::plural(r.excluded_files, "file", "files"),
                    fmt::bytes(r.excluded_bytes),
                    match r.saving_bytes {
                        Some(b) if b > 0 => format!("{} larger", fmt::bytes(b as u64)),
                        Some(b) if b < 0 => format!("{} smaller", fmt::bytes(b.unsigned_abs())),
                        Some(_) => "the same size".to_string(),
                        None => "… (computing)".to_string(),
                    },
                    if r.uncertain { " — the listing hides names this rule could match" } else { "" }
                );
                html! {
                    <div class={classes!("note", class)} title={title}>
                        { if r.uncertain { "≈ " } else { "" } }{ short }
                    </div>
                }
            }
            None => html! { <div class="note"></div> },
        }
    });

    let chooser = (!s.ignore_choices.is_empty()).then(|| {
        let on_choose = p.dispatch.reform(|e: Event| {
            let v =
                e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default();
            Action::ChooseIgnore(v.parse().unwrap_or(0))
        });
        html! {
            <label class="select small">
                <span class="muted">{ "From the folder:" }</span>
                <select onchange={on_choose}>
                    { for s.ignore_choices.iter().enumerate().map(|(i, c)| html! {
                        <option value={i.to_string()} selected={s.ignore_chosen == Some(i)}>{ c.name.clone() }</option>
                    }) }
                </select>
            </label>
        }
    });

    let error_list = snap.filter(|s| !s.rule_errors.is_empty()).map(|s| {
        html! {
            <div class="status error" role="alert">
                <strong>{ "docker build would fail: " }</strong>
                { for s.rule_errors.iter().map(|e| html! { <div>{ e.message.clone() }</div> }) }
                <div class="muted small">{ "The figures below ignore the rejected lines." }</div>
            </div>
        }
    });

    html! {
        <section class="card" aria-labelledby="rules-title">
            <div class="card-head">
                <h2 id="rules-title">{ "Rules " }<code class="muted">{ ".dockerignore" }</code></h2>
                { for chooser }
            </div>
            <div class="editor">
                <div class="gutter mono" ref={gutter} aria-hidden="true">
                    { for (1..=n_lines).map(|l| {
                        let lint = lints.get(&(l as u64));
                        html! {
                            <div class={classes!(errors.contains_key(&(l as u64)).then_some("err"),
                                                 lint.map(|(sev, _)| format!("lint-{sev}")))}
                                 title={lint.map(|(_, m)| m.to_string())}>
                                { if lint.is_some() { "● " } else { "" } }{ l }
                            </div>
                        }
                    }) }
                </div>
                <label for="rules" class="sr-only">{ "Ignore rules, one per line" }</label>
                <textarea id="rules" class="rules mono" data-testid="rules-input" ref={area} spellcheck="false"
                    autocomplete="off" wrap="off" value={s.rules.to_string()} {oninput} {onscroll}
                    placeholder={"# one pattern per line, e.g.\n.git\n**/node_modules\naudit-results/\n**/*.test"} />
                <div class="notes mono" ref={notes} aria-hidden="true">{ for line_notes }</div>
            </div>
            { for error_list }
        </section>
    }
}

/// The per-rule table: what each rule excludes and what removing it would cost.
#[component]
pub fn RulesTable(p: &PanelProps) -> Html {
    let s = &*p.state;
    let Some(snap) = s.current() else {
        return html! {};
    };
    if snap.rules.is_empty() {
        return html! {
            <section class="card" aria-labelledby="savings-title">
                <div class="card-head"><h2 id="savings-title">{ "Savings per rule" }</h2></div>
                <p class="muted">{ "No rules: Docker sends everything. Add a pattern above and watch the figures move." }</p>
            </section>
        };
    }
    let max = snap.rules.iter().filter_map(|r| r.saving_bytes).map(|b| b.unsigned_abs()).max().unwrap_or(0).max(1);
    html! {
        <section class="card" aria-labelledby="savings-title">
            <div class="card-head">
                <h2 id="savings-title">{ "Savings per rule" }</h2>
                { if snap.savings_pending { html!{ <span class="muted small"><span class="spinner" aria-hidden="true"></span>{ " computing" }</span> } } else { html!{} } }
            </div>
            <table class="rules-table">
                <thead>
                    <tr>
                        <th scope="col">{ "Line" }</th>
                        <th scope="col">{ "Rule" }</th>
                        <th scope="col" class="num">{ "Excludes" }</th>
                        <th scope="col" class="num" title="Context size without this rule minus with it">{ "Saving" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for snap.rules.iter().map(|r| {
                        let (text, class) = saving_text(r);
                        let width = r.saving_bytes.map_or(0.0, |b| b.unsigned_abs() as f64 / max as f64 * 100.0);
                        html! {
                            <tr data-testid="rule-row" data-line={r.line.to_string()}
                                data-saving={r.saving_bytes.map(|b| b.to_string()).unwrap_or_default()}
                                class={classes!(r.exception.then_some("exception"))}>
                                <td class="line-no">{ r.line }</td>
                                <td><code class="pattern">{ r.text.clone() }</code>
                                    { if r.pattern != r.text.trim() { html!{ <span class="muted small">{ format!(" → {}", r.pattern) }</span> } } else { html!{} } }
                                    { if r.uncertain { html!{ <span class="badge warn" title="The listing hides file names this rule could match: its effect is bounded, not exact">{ "bounded" }</span> } } else { html!{} } }
                                </td>
                                <td class="num">
                                    { if r.exception { html!{ <span class="muted">{ "re-includes" }</span> } } else { html!{
                                        <>
                                            <div>{ fmt::bytes(r.excluded_bytes) }</div>
                                            <div class="muted small">{ fmt::plural(r.excluded_files, "file", "files") }</div>
                                        </>
                                    } } }
                                </td>
                                <td class="num">
                                    <div class={classes!("saving", class)}>{ text }</div>
                                    <svg class="bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                                        <rect class="track" x="0" y="0" width="100" height="4" />
                                        <rect class={classes!("fill", class)} x="0" y="0" width={format!("{width:.2}")} height="4" />
                                    </svg>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </section>
    }
}
