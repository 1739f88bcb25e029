//! The page ↔ worker channel, both ends.
//!
//! A message from the page is a plain object `{json, text?, folder?, name?}`:
//! `json` is the [`Request`], `text` a listing (a JS string, never copied
//! through JSON) and `folder` a folder's entries as JSON. The worker answers
//! with JSON [`Reply`] strings.
//!
//! The worker keeps only the newest request: requests that arrive while it is
//! busy replace each other. Follow-up work (per-rule savings, the permalink,
//! checks) waits until no request came for [`IDLE_MS`] and runs one small
//! batch per task, so that a new request is picked up between batches.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::engine::{Engine, Handled};
use crate::protocol::{FolderEntry, Payload, Reply, Request, Savings};
use crate::state::State;

/// The worker's bootstrap (`web/worker.js`, copied next to the page): it
/// instantiates the module the page posts to it.
pub const WORKER_URL: &str = "./worker.js";

/// The URL of wasm-bindgen's glue, from the tag of `web/boot.js` (trunk puts
/// the hashed file name there, see `Trunk.toml`).
fn glue_url() -> Option<String> {
    web_sys::window()?.document()?.get_element_by_id("ctxlens-boot")?.get_attribute("data-js")
}

fn set(obj: &Object, key: &str, v: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), v);
}

fn get_str(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

thread_local! {
    /// The one large listing the page keeps as a JS string (see [`State::stashed`]).
    static STASH: std::cell::RefCell<Option<(u64, JsValue)>> = const { std::cell::RefCell::new(None) };
    static NEXT_KEY: Cell<u64> = const { Cell::new(1) };
}

/// Keeps a large listing (a JS string) for the worker without copying it
/// into WebAssembly memory; returns its key. Replaces the previous one.
pub fn stash(text: JsValue) -> u64 {
    let key = NEXT_KEY.with(|k| {
        let v = k.get();
        k.set(v + 1);
        v
    });
    STASH.with(|s| *s.borrow_mut() = Some((key, text)));
    key
}

fn stashed(key: u64) -> Option<JsValue> {
    STASH.with(|s| s.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, v)| v.clone()))
}

/// Length of a JS string in UTF-16 units (bytes, for ASCII listings), without copying it.
pub fn js_len(v: &JsValue) -> u64 {
    v.dyn_ref::<js_sys::JsString>().map_or(0, |s| u64::from(s.length()))
}

/// The page's handle on the worker.
pub struct WorkerHandle {
    worker: Worker,
    /// The input revision last sent with its payload.
    sent_rev: Cell<Option<u64>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerHandle {
    /// Starts the worker; `on_reply` receives its answers, `on_error` its crashes.
    pub fn spawn(
        on_reply: impl Fn(Reply) + 'static,
        on_error: impl Fn(String) + 'static,
    ) -> Result<WorkerHandle, String> {
        let glue = glue_url().ok_or("cannot start the worker: the page's boot script is missing")?;
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let worker =
            Worker::new_with_options(WORKER_URL, &opts).map_err(|e| format!("cannot start the worker: {e:?}"))?;
        // The worker runs this very module, compiled once by the page.
        let init = Object::new();
        set(&init, "module", &wasm_bindgen::module());
        set(&init, "js", &JsValue::from_str(&glue));
        worker.post_message(&init).map_err(|e| format!("cannot start the worker: {e:?}"))?;
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(json) = ev.data().as_string() else {
                return;
            };
            match serde_json::from_str::<Reply>(&json) {
                Ok(r) => {
                    if let Reply::Snapshot(s) = &r {
                        for (phase, at) in &s.timings {
                            page_mark(phase, Some(*at));
                        }
                        page_mark("page:decoded", None);
                    }
                    on_reply(r)
                }
                Err(e) => web_sys::console::error_1(&format!("ctxlens: bad reply from the worker: {e}").into()),
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let msg = Reflect::get(&ev, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
            on_error(format!("the worker stopped: {msg}"));
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(WorkerHandle { worker, sent_rev: Cell::new(None), _onmessage: onmessage, _onerror: onerror })
    }

    /// Sends the state's request, with the input when the worker may not have it.
    pub fn send(&self, state: &State) {
        let req = state.request();
        let msg = Object::new();
        let Ok(json) = serde_json::to_string(&req) else {
            return;
        };
        set(&msg, "json", &JsValue::from_str(&json));
        if state.resend_input || self.sent_rev.get() != Some(state.input_rev) {
            if let Some(js) = state.stashed.and_then(|st| stashed(st.key)) {
                set(&msg, "text", &js);
            } else if let crate::state::Source::Folder { name, entries } = &state.source {
                set(&msg, "name", &JsValue::from_str(name));
                set(&msg, "folder", &JsValue::from_str(&serde_json::to_string(&**entries).unwrap_or_default()));
            } else {
                set(&msg, "text", &JsValue::from_str(&state.listing));
            }
            self.sent_rev.set(Some(state.input_rev));
        }
        page_mark("page:send", None);
        if let Err(e) = self.worker.post_message(&msg) {
            web_sys::console::error_1(&e);
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<TextEncoder, JsValue>;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, s: &JsValue, into: &js_sys::Uint8Array) -> EncodeResult;
    type EncodeResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeResult) -> f64;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeResult) -> f64;
}

/// A JS string as UTF-8, written by the browser's encoder straight into
/// WebAssembly memory. The glue's own conversion loops over the string in JS
/// a character at a time, and `TextEncoder.encode` sizes its result for the
/// worst case and copies it: 0.3 s each for a 30 MB listing, against 0.1 s
/// here. `None` when the text is not ASCII (the caller then uses the glue's
/// conversion, which turns lone surrogates into U+FFFD as this does).
fn utf8_of(v: &JsValue, marks: &mut Vec<(&'static str, f64)>) -> Option<String> {
    let enc = TextEncoder::new().ok()?;
    let units = js_len(v) as usize;
    // One byte per UTF-16 unit fits an ASCII listing exactly.
    let mut buf = vec![0u8; units];
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().dyn_into().ok()?;
    let view = js_sys::Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        buf.as_mut_ptr() as u32,
        u32::try_from(units).ok()?,
    );
    let r = enc.encode_into(v, &view);
    marks.push(("encoded", now()));
    if r.read() as usize != units {
        // Not ASCII: the glue's conversion sizes it.
        return None;
    }
    buf.truncate(r.written() as usize);
    marks.push(("copied", now()));
    String::from_utf8(buf).ok()
}

/// Decodes a page message, marking the phases in `marks`.
fn read_message(data: &JsValue, marks: &mut Vec<(&'static str, f64)>) -> Option<(Request, Option<Payload>)> {
    let req: Request = serde_json::from_str(&get_str(data, "json")?).ok()?;
    let text = Reflect::get(data, &JsValue::from_str("text")).ok().filter(JsValue::is_string);
    marks.push(("data", now()));
    let payload = if let Some(text) = text {
        Some(Payload::Listing { text: utf8_of(&text, marks).or_else(|| text.as_string())? })
    } else if let Some(folder) = get_str(data, "folder") {
        let entries: Vec<FolderEntry> = serde_json::from_str(&folder).ok()?;
        Some(Payload::Folder { name: get_str(data, "name").unwrap_or_default(), entries })
    } else {
        None
    };
    Some((req, payload))
}

thread_local! {
    static PERF: Option<web_sys::Performance> =
        Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok().and_then(|p| p.dyn_into().ok());
}

/// Milliseconds since the epoch with `performance.now()`'s resolution: the
/// page and the worker have different time origins, this clock is shared.
pub fn now() -> f64 {
    PERF.with(|p| p.as_ref().map_or_else(js_sys::Date::now, |p| p.time_origin() + p.now()))
}

/// Appends `[phase, now]` (or the given time) to `window.__ctxlensMarks`,
/// where `cargo xtask measure` reads where the time went.
pub fn page_mark(phase: &str, at: Option<f64>) {
    let global = js_sys::global();
    let key = JsValue::from_str("__ctxlensMarks");
    let marks = match Reflect::get(&global, &key).ok().filter(|m| m.is_object()) {
        Some(m) => m.unchecked_into::<js_sys::Array>(),
        None => {
            let m = js_sys::Array::new();
            let _ = Reflect::set(&global, &key, &m);
            m
        }
    };
    let len = marks.push(&js_sys::Array::of2(&JsValue::from_str(phase), &JsValue::from_f64(at.unwrap_or_else(now))));
    // A request leaves about 25 marks: a long editing session keeps only the latest.
    if len > MARKS_KEPT * 2 {
        let _ = Reflect::set(&global, &key, &marks.slice(len - MARKS_KEPT, len));
    }
}

/// How many phase marks the page keeps (enough for the last ~80 requests).
const MARKS_KEPT: u32 = 2048;

struct WorkerState {
    engine: Engine,
    pending: Option<(Request, Option<Payload>)>,
    /// When the pending request arrived and when its input was copied in.
    arrived: Vec<(&'static str, f64)>,
    /// `(request id, next rule)` while savings are being computed.
    savings: Option<(u64, usize)>,
    /// The request whose permalink still needs the compressed listing.
    share_for: Option<u64>,
    /// The request whose lints and suggestions are due.
    insight_for: Option<u64>,
    /// The pending `setTimeout` and whether it is the idle wait before follow-up work.
    timer: Option<(i32, bool)>,
}

/// The worker's self-rescheduling step, shared by the closures that schedule it.
type Tick = Rc<RefCell<Option<Closure<dyn FnMut()>>>>;

/// Budget of one savings batch, in ms: small enough to pick up new requests quickly.
const BATCH_MS: f64 = 25.0;

/// Bytes of listing compressed at a time for the permalink (a few ms each).
const SHARE_SLICE: usize = 32 << 10;

/// Follow-up work (savings, permalink, checks) starts once no request came
/// for this long (ms): while someone types, every keystroke finds the worker
/// idle and its figures come first.
const IDLE_MS: i32 = 300;

/// The worker's `main`: listens for requests and answers them.
pub fn worker_main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let st = Rc::new(RefCell::new(WorkerState {
        engine: Engine::new(now),
        pending: None,
        arrived: Vec::new(),
        savings: None,
        share_for: None,
        insight_for: None,
        timer: None,
    }));
    let tick: Tick = Rc::new(RefCell::new(None));

    let post = {
        let scope = scope.clone();
        move |r: &Reply| {
            if let Ok(s) = serde_json::to_string(r) {
                let _ = scope.post_message(&JsValue::from_str(&s));
            }
        }
    };
    // Runs the tick after `idle` (the wait before follow-up work) or at once.
    // A request cancels an idle wait: it never queues behind follow-up work.
    let schedule = {
        let scope = scope.clone();
        let tick = tick.clone();
        let st = st.clone();
        move |idle: bool| {
            let mut s = st.borrow_mut();
            match s.timer {
                Some((_, false)) => return,
                Some((_, true)) if idle => return,
                Some((id, true)) => scope.clear_timeout_with_handle(id),
                None => {}
            }
            s.timer = None;
            if let Some(t) = tick.borrow().as_ref() {
                let f: &Function = t.as_ref().unchecked_ref();
                let ms = if idle { IDLE_MS } else { 0 };
                if let Ok(id) = scope.set_timeout_with_callback_and_timeout_and_arguments_0(f, ms) {
                    s.timer = Some((id, idle));
                }
            }
        }
    };

    {
        let st = st.clone();
        let schedule = schedule.clone();
        let post = post.clone();
        *tick.borrow_mut() = Some(Closure::<dyn FnMut()>::new(move || {
            let (more, idle) = {
                let mut s = st.borrow_mut();
                s.timer = None;
                let answered = s.pending.is_some();
                if let Some((req, payload)) = s.pending.take() {
                    s.arrived.push(("tick", now()));
                    s.savings = None;
                    s.share_for = None;
                    s.insight_for = None;
                    match s.engine.handle(&req, payload) {
                        Handled::NeedInput => post(&Reply::NeedInput { id: req.id }),
                        Handled::Snapshot(mut snap) => {
                            let mut marks = std::mem::take(&mut s.arrived);
                            marks.extend(s.engine.take_marks());
                            snap.timings = marks.into_iter().map(|(p, t)| (format!("worker:{p}"), t)).collect();
                            if snap.savings_pending {
                                s.savings = Some((req.id, 0));
                            } else if snap.insight.is_none() {
                                s.insight_for = Some(req.id);
                            }
                            s.share_for = snap.share.pending.then_some(req.id);
                            post(&Reply::Snapshot(snap));
                        }
                    }
                } else if let Some(id) = s.share_for.take() {
                    let t0 = now();
                    let mut done = false;
                    while !done && now() - t0 < BATCH_MS {
                        done = s.engine.prepare_share_step(SHARE_SLICE);
                    }
                    if done {
                        let share = s.engine.share();
                        post(&Reply::Share { id, share });
                    } else {
                        s.share_for = Some(id);
                    }
                } else if let Some((id, mut next)) = s.savings {
                    let t0 = now();
                    let mut rows = Vec::new();
                    let n = s.engine.rule_count();
                    while next < n && (rows.is_empty() || now() - t0 < BATCH_MS) {
                        if s.engine.saving_missing(next)
                            && let Some((b, f)) = s.engine.saving(next)
                        {
                            rows.push((next as u32, b, f));
                        }
                        next += 1;
                    }
                    let done = next >= n;
                    s.savings = if done { None } else { Some((id, next)) };
                    post(&Reply::Savings(Savings { id, rows, done }));
                    if done {
                        s.insight_for = Some(id);
                    }
                } else if let Some(id) = s.insight_for.take()
                    && let Some(insight) = s.engine.insight()
                {
                    post(&Reply::Insight { id, insight });
                }
                let follow_up = s.share_for.is_some() || s.savings.is_some() || s.insight_for.is_some();
                (s.pending.is_some() || follow_up, answered && s.pending.is_none())
            };
            if more {
                schedule(idle);
            }
        }));
    }

    let onmessage = {
        let st = st.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let mut marks = vec![("received", now())];
            let Some((req, payload)) = read_message(&ev.data(), &mut marks) else {
                return;
            };
            {
                let mut s = st.borrow_mut();
                marks.push(("read", now()));
                s.arrived = marks;
                // A newer request without the input keeps the input of the one it replaces.
                let payload = match (payload, s.pending.take()) {
                    (Some(p), _) => Some(p),
                    (None, Some((old, Some(p)))) if old.input_rev == req.input_rev => Some(p),
                    (None, _) => None,
                };
                s.pending = Some((req, payload));
            }
            schedule(false);
        })
    };
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    // The tick closure lives as long as the worker.
    std::mem::forget(tick);
    post(&Reply::Ready);
}
