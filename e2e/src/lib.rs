//! Test support for driving the ctxlens page in a real browser: a static
//! file server for `dist/`, a minimal W3C WebDriver client for chromedriver
//! (plain HTTP/1.1 + JSON over `std::net`), and helpers to run the CLI.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e lives in the workspace").to_path_buf()
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn serve_one(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut file = root.to_path_buf();
    let mut ok = true;
    for c in Path::new(path.trim_start_matches('/')).components() {
        match c {
            Component::Normal(n) => file.push(n),
            Component::CurDir => {}
            _ => ok = false,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    match std::fs::read(&file).ok().filter(|_| ok) {
        Some(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                mime(&file),
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body)?;
        }
        None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?,
    }
    stream.flush()
}

/// Serves `root` on a free port in background threads; returns the base URL.
pub fn serve(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let addr = listener.local_addr().expect("address");
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = serve_one(s, &root);
            });
        }
    });
    format!("http://{addr}/")
}

/// One HTTP/1.1 exchange with chromedriver.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("chromedriver: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(300))).ok();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).and_then(|_| s.write_all(body.as_bytes())).map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read exactly the announced body.
    let mut r = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).map_err(|e| e.to_string())? == 0 || line.trim().is_empty() {
            break;
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    let length =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
    let payload = match length {
        Some(n) => {
            let mut b = vec![0; n];
            r.read_exact(&mut b).map_err(|e| e.to_string())?;
            b
        }
        None => {
            let mut b = Vec::new();
            r.read_to_end(&mut b).map_err(|e| e.to_string())?;
            if head.contains("transfer-encoding: chunked") { dechunk(&b) } else { b }
        }
    };
    let v: Value = serde_json::from_slice(&payload).map_err(|e| format!("bad JSON from chromedriver: {e}"))?;
    if let Some(err) = v.get("value").and_then(|x| x.get("error")) {
        let msg = v["value"]["message"].as_str().unwrap_or_default();
        return Err(format!("{err}: {}", msg.lines().next().unwrap_or_default()));
    }
    Ok(v["value"].clone())
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&b[start..(start + size).min(b.len())]);
        b = &b[(start + size + 2).min(b.len())..];
    }
    out
}

/// A running chromedriver.
pub struct Driver {
    /// Its port.
    pub port: u16,
    child: Child,
}

impl Driver {
    /// Starts `chromedriver` (or `$CHROMEDRIVER`) and waits until it is ready.
    pub fn start() -> Result<Driver, String> {
        let port = free_port();
        let exe = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let child = Command::new(&exe)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {exe}: {e} (run `cargo xtask setup`)"))?;
        let d = Driver { port, child };
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(20) {
            if http(port, "GET", "/status", None).is_ok_and(|v| v["ready"] == json!(true)) {
                return Ok(d);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("chromedriver did not become ready".into())
    }

    /// A new browser session (a fresh profile, headless Chromium).
    pub fn session(&self, width: u32, height: u32) -> Result<Session, String> {
        let profile = std::env::temp_dir().join(format!("ctxlens-e2e-{}-{}", std::process::id(), free_port()));
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": binary,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        "--force-device-scale-factor=1",
                        format!("--window-size={width},{height}"),
                        format!("--user-data-dir={}", profile.display()),
                    ],
                },
                "timeouts": { "script": 300000, "pageLoad": 60000 },
            } }
        });
        let v = http(self.port, "POST", "/session", Some(&caps))?;
        let id = v["sessionId"].as_str().ok_or("no session id")?.to_string();
        Ok(Session { port: self.port, id, profile })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser session.
pub struct Session {
    port: u16,
    id: String,
    profile: PathBuf,
}

impl Session {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        http(self.port, method, &format!("/session/{}{path}", self.id), body.as_ref())
    }

    /// Opens a URL.
    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.cmd("POST", "/url", Some(json!({ "url": url }))).map(|_| ())
    }

    /// Runs a script (`return ...;`) with arguments.
    pub fn exec(&self, script: &str, args: Value) -> Result<Value, String> {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Runs an asynchronous script: it must call `arguments[arguments.length - 1](result)`.
    pub fn exec_async(&self, script: &str, args: Value) -> Result<Value, String> {
        self.cmd("POST", "/execute/async", Some(json!({ "script": script, "args": args })))
    }

    /// Polls `script` until it returns something other than `null`/`false`.
    pub fn wait_for(&self, what: &str, script: &str, args: Value, timeout: Duration) -> Result<Value, String> {
        let t0 = Instant::now();
        loop {
            let v = self.exec(script, args.clone())?;
            if !v.is_null() && v != json!(false) {
                return Ok(v);
            }
            if t0.elapsed() > timeout {
                return Err(format!("timed out after {timeout:?} waiting for {what}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The element matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<String, String> {
        let v = self.cmd("POST", "/element", Some(json!({ "using": "css selector", "value": css })))?;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|x| x.as_str())
            .map(String::from)
            .ok_or_else(|| format!("no element {css}"))
    }

    /// Types into an element (real key events).
    pub fn send_keys(&self, element: &str, text: &str) -> Result<(), String> {
        self.cmd("POST", &format!("/element/{element}/value"), Some(json!({ "text": text }))).map(|_| ())
    }

    /// Clicks an element.
    pub fn click(&self, element: &str) -> Result<(), String> {
        self.cmd("POST", &format!("/element/{element}/click"), Some(json!({}))).map(|_| ())
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) -> Result<(), String> {
        let v = self.cmd("GET", "/screenshot", None)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().ok_or("no screenshot data")?)
            .map_err(|e| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Browser console messages (chromedriver's `goog:loggingPrefs` is not
    /// needed: the page's errors are read from `window.__errors`).
    pub fn errors(&self) -> Result<Value, String> {
        self.exec("return window.__ctxlensErrors || [];", json!([]))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.id), None);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The release `ctxlens` binary, or `cargo run` of it when it is not built.
pub fn cli_command() -> Command {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"));
    let bin = target.join("release/ctxlens");
    if bin.is_file() {
        Command::new(bin)
    } else {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.args(["run", "--quiet", "--release", "-p", "ctxlens", "--manifest-path"]);
        c.arg(root().join("Cargo.toml")).arg("--");
        c
    }
}

/// The CLI's JSON report for a listing and an ignore file (`ctxlens --listing F --ignore-file F --json`).
pub fn cli_report(listing: &str, rules: &str, classic: bool) -> Result<Value, String> {
    let dir = std::env::temp_dir().join(format!("ctxlens-e2e-cli-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (l, r) = (dir.join("listing.txt"), dir.join("dockerignore"));
    std::fs::write(&l, listing).map_err(|e| e.to_string())?;
    std::fs::write(&r, rules).map_err(|e| e.to_string())?;
    let mut cmd = cli_command();
    cmd.arg("--listing").arg(&l).arg("--ignore-file").arg(&r).arg("--json");
    if classic {
        cmd.args(["--builder", "classic"]);
    }
    // The summary's own directory must not interfere (no Dockerfile lookup surprises).
    cmd.current_dir(&dir);
    let out = cmd.output().map_err(|e| format!("cannot run the CLI: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "CLI output is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }

    #[test]
    fn serves_files_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("ctxlens-e2e-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "hi").unwrap();
        let base = serve(&dir);
        let get = |p: &str| {
            let addr = base.trim_start_matches("http://").trim_end_matches('/');
            let mut s = TcpStream::connect(addr).unwrap();
            write!(s, "GET {p} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut r = String::new();
            s.read_to_string(&mut r).unwrap();
            r
        };
        assert!(get("/").starts_with("HTTP/1.1 200") && get("/").ends_with("hi"));
        assert!(get("/../Cargo.toml").starts_with("HTTP/1.1 404"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
