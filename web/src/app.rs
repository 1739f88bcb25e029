//! The Yew app: owns the reducer and the worker, wires browser events to
//! [`Action`]s and lays the components out. Components only render.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DragEvent, HtmlElement, ResizeObserver, ResizeObserverEntry};
use yew::prelude::*;

use crate::bridge::WorkerHandle;
use crate::components::header::Header;
use crate::components::input::InputPanel;
use crate::components::insight::InsightPanel;
use crate::components::rules::{RulesEditor, RulesTable};
use crate::components::summary::Summary;
use crate::components::tree::{ExplainPanel, TreeView};
use crate::components::treemap::TreemapView;
use crate::folder::{self, Dropped};
use crate::protocol::Reply;
use crate::state::{Action, Notice, SHOWN_LISTING_MAX, Source, Stashed, State, Theme, is_ignore_file};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).reduce(action))
    }
}

/// The shared handle components get.
pub type StateHandle = UseReducerHandle<State>;

const THEME_KEY: &str = "ctxlens-theme";

fn stored_theme() -> Theme {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .map(|t| Theme::from_name(&t))
        .unwrap_or_default()
}

fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

thread_local! {
    /// Read once: the page only ever replaces its fragment, and `location.href`
    /// carries the whole permalink (up to a megabyte).
    static PAGE_BASE: String = {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        match href.split_once('#') {
            Some((b, _)) => b.to_string(),
            None => href,
        }
    };
}

/// The page's URL without its fragment.
pub fn page_base() -> String {
    PAGE_BASE.with(String::clone)
}

/// `performance.now()` (ms).
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The action for a listing that arrived as a JS string: small ones are
/// copied into the state (and shown), large ones stay in the browser's memory.
pub fn listing_action(text: JsValue, source: Source) -> Action {
    let bytes = crate::bridge::js_len(&text);
    if bytes as usize > SHOWN_LISTING_MAX {
        Action::LoadStashed { stashed: Stashed { key: crate::bridge::stash(text), bytes }, source }
    } else {
        Action::LoadListing { text: text.as_string().unwrap_or_default(), source }
    }
}

/// Handles a drop anywhere on the page: a folder, a listing file, or an ignore file.
pub fn handle_drop(ev: DragEvent, dispatch: Callback<Action>) {
    ev.prevent_default();
    let Some(dt) = ev.data_transfer() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        match folder::classify_drop(&dt).await {
            Ok(Dropped::Folder(name, entry)) => {
                dispatch.emit(Action::FolderStarted(name));
                let progress = dispatch.clone();
                match folder::walk(entry, move |l| progress.emit(Action::FolderProgress(l))).await {
                    Ok((name, entries, ignore_files)) => {
                        dispatch.emit(Action::FolderLoaded { name, entries, ignore_files })
                    }
                    Err(e) => dispatch.emit(Action::FolderFailed(format!("cannot read the folder: {e}"))),
                }
            }
            Ok(Dropped::File(name, text)) => {
                if is_ignore_file(&name) {
                    dispatch.emit(Action::EditRules { text: text.as_string().unwrap_or_default(), now: now() });
                } else {
                    dispatch.emit(listing_action(text, Source::File(name)));
                }
            }
            Ok(Dropped::Nothing) => {}
            Err(e) => dispatch.emit(Action::Notice(Some(Notice { error: true, text: format!("cannot read it: {e}") }))),
        }
    });
}

/// The page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State::initial(&location_hash(), stored_theme()));
    let dispatch: Callback<Action> = state.dispatcher().into();
    let worker = use_mut_ref(|| None::<WorkerHandle>);
    let dragging = use_state(|| false);
    let treemap_box = use_node_ref();

    // Start the worker once.
    {
        let worker = worker.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let d2 = dispatch.clone();
            let on_reply = move |r: Reply| match r {
                Reply::Ready => dispatch.emit(Action::WorkerReady),
                Reply::NeedInput { .. } => dispatch.emit(Action::NeedInput),
                Reply::Snapshot(s) => dispatch.emit(Action::Reply(s)),
                Reply::Savings(s) => dispatch.emit(Action::Savings(s)),
                Reply::Share { id, share } => dispatch.emit(Action::Share(id, share)),
                Reply::Insight { id, insight } => dispatch.emit(Action::Insight(id, insight)),
            };
            let on_error = move |msg: String| d2.emit(Action::Notice(Some(Notice { error: true, text: msg })));
            match WorkerHandle::spawn(on_reply, on_error) {
                Ok(h) => *worker.borrow_mut() = Some(h),
                Err(e) => web_sys::console::error_1(&e.into()),
            }
        });
    }

    // Send a request whenever the state asks for a new answer (once the worker listens).
    {
        let worker = worker.clone();
        let st = state.clone();
        use_effect_with((state.seq, state.worker_ready), move |(_, ready)| {
            if *ready && let Some(w) = worker.borrow().as_ref() {
                w.send(&st);
            }
        });
    }

    // Marks when a new answer is on the page (rendered, before the paint).
    {
        let id = state.snapshot.as_ref().map(|s| s.id);
        use_effect_with(id, move |id| {
            if id.is_some() {
                crate::bridge::page_mark("page:rendered", None);
            }
        });
    }

    // Keep the URL fragment in step with the permalink (never navigates, never sends).
    {
        // Only complete links: a rules-only fragment while the listing is
        // being compressed would lose the listing on a reload.
        let fragment =
            state.snapshot.as_ref().filter(|s| !s.share.pending).map(|s| s.share.fragment.clone()).unwrap_or_default();
        use_effect_with(fragment, move |f| {
            if !f.is_empty()
                && let Some(w) = web_sys::window()
                && let Ok(h) = w.history()
            {
                let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{f}")));
                crate::bridge::page_mark("page:url", None);
            }
        });
    }

    // Theme: `data-theme` on <html>, remembered locally.
    {
        let theme = state.theme;
        use_effect_with(theme, move |t| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document())
                && let Some(root) = doc.document_element()
            {
                let _ = root.set_attribute("data-theme", t.name());
            }
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.set_item(THEME_KEY, t.name());
            }
        });
    }

    // The treemap follows its box's width.
    {
        let node = treemap_box.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                if let Some(e) = entries.get(0).dyn_ref::<ResizeObserverEntry>() {
                    let r = e.content_rect();
                    let w = r.width().round() as u32;
                    let h = r.height().round() as u32;
                    if w > 0 && h > 0 {
                        dispatch.emit(Action::Resize(w, h));
                    }
                }
            });
            let observer = ResizeObserver::new(cb.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, node.cast::<HtmlElement>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(cb);
            }
        });
    }

    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Only when leaving the window, not when moving between children.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let ondrop = {
        let dispatch = dispatch.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            handle_drop(e, dispatch.clone());
        })
    };

    let notice = state.notice.clone().map(|n| {
        let close = dispatch.reform(|_| Action::Notice(None));
        html! {
            <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }}>
                <span>{ n.text }</span>
                <button class="ghost" onclick={close} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    });

    html! {
        <div class={classes!("app", (*dragging).then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <Header state={state.clone()} dispatch={dispatch.clone()} />
            { for notice }
            <main class="layout">
                <section class="column inputs" aria-label="Inputs">
                    <InputPanel state={state.clone()} dispatch={dispatch.clone()} />
                    <RulesEditor state={state.clone()} dispatch={dispatch.clone()} />
                    <InsightPanel state={state.clone()} dispatch={dispatch.clone()} />
                    <RulesTable state={state.clone()} dispatch={dispatch.clone()} />
                </section>
                <section class="column results" aria-label="Results">
                    <Summary state={state.clone()} dispatch={dispatch.clone()} />
                    <TreemapView state={state.clone()} dispatch={dispatch.clone()} node_ref={treemap_box} />
                    <div class="split">
                        <TreeView state={state.clone()} dispatch={dispatch.clone()} />
                        <ExplainPanel state={state.clone()} dispatch={dispatch.clone()} />
                    </div>
                </section>
            </main>
            <footer class="footer">
                <span>{ "ctxlens evaluates .dockerignore exactly as Docker/BuildKit does. " }</span>
                <span>{ "Everything runs in this tab: nothing you paste or drop leaves your machine." }</span>
            </footer>
            <div class="drop-overlay" aria-hidden="true">
                <div>
                    <strong>{ "Drop a folder, a listing or a .dockerignore" }</strong>
                    <span>{ "Read locally: names and sizes only, nothing is uploaded." }</span>
                </div>
            </div>
        </div>
    }
}

/// Mounts the app.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
