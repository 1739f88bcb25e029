//! The input panel: paste a listing, open a file, pick a folder; what was detected.

use ctxlens_core::listing::ListingFormat;
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::PanelProps;
use crate::app::listing_action;
use crate::bridge;
use crate::fmt;
use crate::folder;
use crate::state::{Action, Notice, SHOWN_LISTING_MAX, Source};

fn sizes_badge(sizes: &str) -> Html {
    let (class, label, title) = match sizes {
        "apparent" => ("ok", "exact bytes", "Apparent sizes: exactly the bytes a build context carries"),
        "apparent-rounded" => {
            ("warn", "rounded sizes", "Human units (4.0K, 1.5M): each size is an interval, totals carry bounds")
        }
        "disk-usage" => (
            "bad",
            "disk usage, not bytes",
            "Disk blocks: sparse files show almost nothing and small files round up to 4 KiB",
        ),
        "none" => ("warn", "no sizes", "Paths only: the rules are evaluated, sizes are unknown (0)"),
        _ => ("", "", ""),
    };
    if label.is_empty() {
        return html! {};
    }
    html! { <span class={classes!("badge", class)} title={title}>{ label }</span> }
}

/// The input panel.
#[component]
pub fn InputPanel(p: &PanelProps) -> Html {
    let s = &*p.state;
    let area = use_node_ref();

    // The text area is the source of pasted text; other sources are written
    // into it, unless too large to display (see `SHOWN_LISTING_MAX`).
    {
        let area = area.clone();
        let listing = s.listing.clone();
        let pasted = s.source == Source::Pasted;
        let shown = s.listing_shown();
        use_effect_with(s.input_rev, move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>()
                && !pasted
            {
                el.set_value(if shown { &listing } else { "" });
            }
        });
    }

    let oninput = p.dispatch.reform(|e: InputEvent| {
        let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) else {
            return Action::EditListing(String::new());
        };
        // Read the value as a JS string first: a large one is not copied into the page's memory.
        let value = Reflect::get(&area, &JsValue::from_str("value")).unwrap_or_default();
        if bridge::js_len(&value) as usize > SHOWN_LISTING_MAX {
            // Empty the box before the browser lays the text out.
            area.set_value("");
            return listing_action(value, Source::Pasted);
        }
        Action::EditListing(value.as_string().unwrap_or_default())
    });
    // A large paste never enters the text area: the clipboard's text goes to the worker as is.
    let onpaste = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(dt) = Reflect::get(&e, &JsValue::from_str("clipboardData")).ok().filter(|d| d.is_object()) else {
                return;
            };
            let get = Reflect::get(&dt, &JsValue::from_str("getData")).ok().and_then(|f| f.dyn_into::<Function>().ok());
            let Some(text) = get.and_then(|f| f.call1(&dt, &JsValue::from_str("text")).ok()) else { return };
            if bridge::js_len(&text) as usize > SHOWN_LISTING_MAX {
                e.prevent_default();
                dispatch.emit(listing_action(text, Source::Pasted));
            }
        })
    };
    let open_file = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match folder::file_text_js(&file).await {
                    Ok(text) => dispatch.emit(listing_action(text, Source::File(file.name()))),
                    Err(e) => dispatch.emit(Action::Notice(Some(Notice { error: true, text: e }))),
                }
            });
        })
    };
    let pick_folder = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            let Some(list) = input.files() else { return };
            // Clearing the input below empties this same FileList in place:
            // take the files out first.
            let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            let dispatch = dispatch.clone();
            dispatch.emit(Action::FolderStarted("folder".into()));
            wasm_bindgen_futures::spawn_local(async move {
                match folder::from_file_list(files).await {
                    Ok((name, entries, ignore_files)) => {
                        dispatch.emit(Action::FolderLoaded { name, entries, ignore_files })
                    }
                    Err(e) => dispatch.emit(Action::FolderFailed(e)),
                }
            });
            input.set_value("");
        })
    };
    let on_format = p.dispatch.reform(|e: Event| {
        let v = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default();
        Action::SetFormat(if v.is_empty() { None } else { Some(v) })
    });
    let clear = p.dispatch.reform(|_| Action::Clear);

    let status = match (&s.loading, s.current()) {
        (Some(l), _) => html! {
            <div class="status busy" role="status">
                <span class="spinner" aria-hidden="true"></span>
                { format!("Reading {} … {} files, {} directories, {}", l.name, fmt::count(l.files),
                          fmt::count(l.dirs), fmt::bytes(l.bytes)) }
            </div>
        },
        (None, Some(snap)) => {
            let i = &snap.input;
            if let Some(err) = &i.error {
                html! { <div class="status error" role="alert">{ err.clone() }</div> }
            } else if i.kind == "empty" {
                html! { <div class="status muted">{ "Paste a listing, or drop a folder anywhere on the page." }</div> }
            } else {
                let problems = (i.problems_total > 0).then(|| {
                    html! {
                        <details class="problems">
                            <summary>{ format!("{} could not be read (skipped)",
                                               fmt::plural(i.problems_total, "line", "lines")) }</summary>
                            <ul>
                                { for i.problems.iter().map(|p| html! {
                                    <li><span class="line-no">{ format!("line {}", p.line) }</span>
                                        <code>{ p.text.clone() }</code>
                                        <span class="muted">{ p.message.clone() }</span></li>
                                }) }
                            </ul>
                        </details>
                    }
                });
                let notes = (!i.notes.is_empty()).then(|| {
                    html! { <ul class="notes">{ for i.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul> }
                });
                html! {
                    <div class="status">
                        <div class="detected">
                            <span class="label">{ "Read as" }</span>
                            <strong>{ i.format_description.clone() }</strong>
                            { sizes_badge(&i.sizes) }
                            { if i.directories_only { html!{ <span class="badge warn">{ "directories only" }</span> } } else { html!{} } }
                        </div>
                        <div class="muted small">
                            { format!("{} · {} · {}{}",
                                fmt::plural(i.records, "line", "lines"),
                                fmt::plural(i.dirs, "directory", "directories"),
                                fmt::plural(i.files, "file", "files"),
                                if i.symlinks > 0 { format!(" · {}", fmt::plural(i.symlinks, "symlink", "symlinks")) } else { String::new() }) }
                            { if i.parse_ms > 0.0 { format!(" · parsed in {}", fmt::millis(i.parse_ms)) } else { String::new() } }
                        </div>
                        { for problems }
                        { for notes }
                    </div>
                }
            }
        }
        (None, None) => html! {
            <div class="status busy" role="status"><span class="spinner" aria-hidden="true"></span>{ "Reading…" }</div>
        },
    };

    let formats = ListingFormat::ALL;
    let hidden = !s.listing_shown() && !s.source.is_folder() && s.listing_bytes() > 0;
    let lines = if s.stashed.is_some() { s.current().map_or(0, |x| x.input.records) } else { s.listing_lines };
    let placeholder = if s.source.is_folder() {
        "A folder is loaded (see above). Paste a listing here to use it instead.".to_string()
    } else if hidden {
        "The listing is too large to display; the figures use all of it.\nPaste or type here to replace it.".to_string()
    } else {
        "Paste what your machine prints, for example\n  du -ab .\n  find . -printf '%s %p\\n'\n  ls -laR   ·   tar -tvf ctx.tar   ·   git ls-files\nor drop a folder / listing file anywhere on this page.".to_string()
    };
    let big_banner = hidden.then(|| {
        html! {
            <div class="big-listing" role="note">
                <strong>{ if lines > 0 { format!("{} · {}", fmt::plural(lines, "line", "lines"), fmt::bytes(s.listing_bytes())) } else { format!("{} listing", fmt::bytes(s.listing_bytes())) } }</strong>
                <span class="muted small">{ " in memory, not displayed: a text box this large would freeze the page for seconds." }</span>
            </div>
        }
    });
    html! {
        <section class="card" aria-labelledby="input-title">
            <div class="card-head">
                <h2 id="input-title">{ "Build context" }</h2>
                <span class="source" title="Where the listing came from">{ s.source.label() }</span>
            </div>
            { for big_banner }
            <label for="listing" class="sr-only">{ "Listing of the build context" }</label>
            <textarea id="listing" class="listing mono" data-testid="listing-input" ref={area}
                spellcheck="false" autocomplete="off" wrap="off" {oninput} {onpaste}
                placeholder={placeholder} />
            <div class="toolbar">
                <label class="button">
                    { "Open file…" }
                    <input type="file" class="sr-only" onchange={open_file} aria-label="Open a listing file" />
                </label>
                <label class="button">
                    { "Pick folder…" }
                    <input type="file" class="sr-only" webkitdirectory={true} multiple={true} onchange={pick_folder}
                           aria-label="Pick a folder (read locally)" />
                </label>
                <label class="select">
                    <span class="sr-only">{ "Listing format" }</span>
                    <select onchange={on_format} title="Listing format (detected automatically)">
                        <option value="" selected={s.format.is_none()}>{ "Format: detect" }</option>
                        { for formats.iter().map(|f| html! {
                            <option value={f.name()} selected={s.format.as_deref() == Some(f.name())}>
                                { f.description() }
                            </option>
                        }) }
                    </select>
                </label>
                <button class="button ghost" onclick={clear}>{ "Clear" }</button>
            </div>
            { status }
        </section>
    }
}
