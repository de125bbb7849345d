//! Headless Chromium through chromedriver: the W3C WebDriver protocol spoken over loopback HTTP
//! with a small blocking client, plus chromedriver's `se/log` endpoint for console messages.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use ureq::Agent;

use crate::tools::require;

/// How long chromedriver may take to answer `/status` after it is spawned.
const DRIVER_READY: Duration = Duration::from_secs(20);

/// A headless Chromium session, driven through a chromedriver child process on a free loopback
/// port. Dropping it ends the session (and so the browser) and kills chromedriver.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    agent: Agent,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
}

/// What [`Browser::open`] read from a loaded page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// `document.URL` after loading (after any redirect).
    pub url: String,
    /// `document.title`.
    pub title: String,
    /// `document.documentElement.lang` (empty when the page sets none).
    pub lang: String,
    /// `document.body.innerText`: the text as rendered (hidden elements left out).
    pub visible_text: String,
    /// The browser's SEVERE log entries from loading the page: `console.error` calls,
    /// uncaught exceptions, resources that failed to load; each as chromedriver words it
    /// (`URL LINE:COL "text"`).
    pub console_errors: Vec<String>,
}

impl Browser {
    /// Spawns chromedriver on a free loopback port and opens a session of headless Chromium
    /// (`--headless=new --no-sandbox --disable-gpu`, 1280×800, browser logging on). `None`
    /// (after a `SKIP:` note) when `chromedriver` or `chromium` is missing from PATH and `CI`
    /// is unset.
    ///
    /// # Panics
    ///
    /// When a tool is missing and `CI` is set, or when chromedriver or the browser does not
    /// start.
    pub fn start() -> Option<Self> {
        let chromedriver = require("chromedriver")?;
        let chromium = require("chromium")?;
        let port = TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} did not start: {e}", chromedriver.display()));
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let ready = call(&agent, "GET", &format!("{base}/status"), None)
                .is_ok_and(|v| v["ready"] == true);
            if ready {
                break;
            }
            if let Ok(Some(status)) = driver.try_wait() {
                panic!("chromedriver exited at start-up ({status})");
            }
            if started.elapsed() > DRIVER_READY {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver not ready on port {port} after {DRIVER_READY:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,800"],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"pageLoad": 30_000, "script": 30_000},
        }}});
        let session = call(
            &agent,
            "POST",
            &format!("{base}/session"),
            Some(capabilities),
        )
        .and_then(|v| {
            v["sessionId"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("no sessionId in {v}"))
        });
        match session {
            Ok(id) => Some(Self {
                driver,
                agent,
                session: format!("{base}/session/{id}"),
            }),
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver could not start {}: {e}", chromium.display());
            }
        }
    }

    /// Loads `url` (e.g. a [`file_url`]) and waits for its load event, then reads the page.
    /// [`Page::console_errors`] holds what the page logged while loading (messages of pages
    /// opened before are dropped); messages logged later, from timers, are not waited for.
    ///
    /// # Errors
    ///
    /// When the browser cannot load the page (a missing file, for one) or the driver fails.
    pub fn open(&mut self, url: &str) -> Result<Page, String> {
        // Reading the log empties it: what earlier pages logged is not this page's.
        self.browser_log()?;
        self.request("POST", "/url", Some(json!({ "url": url })))?;
        let read = self.execute(
            "return [document.URL, document.title, document.documentElement.lang, \
             document.body ? document.body.innerText : ''];",
            &[],
        )?;
        let field = |i: usize| read[i].as_str().unwrap_or_default().to_owned();
        let loaded = field(0);
        if loaded.starts_with("chrome-error:") {
            return Err(format!(
                "{url} did not load (the browser shows its error page)"
            ));
        }
        let console_errors = self
            .browser_log()?
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect();
        Ok(Page {
            url: loaded,
            title: field(1),
            lang: field(2),
            visible_text: field(3),
            console_errors,
        })
    }

    /// Runs `script` (a function body: `return` gives the result) in the current page with
    /// `arguments` bound to `args`, and returns its result as JSON.
    ///
    /// # Errors
    ///
    /// When the script throws or the driver fails.
    pub fn execute(&mut self, script: &str, args: &[Value]) -> Result<Value, String> {
        self.request(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Sets the window to `width`×`height` CSS pixels (a phone is about 390×844).
    ///
    /// # Errors
    ///
    /// When the driver fails.
    pub fn set_window_size(&mut self, width: u32, height: u32) -> Result<(), String> {
        self.request(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .map(drop)
    }

    /// Writes a PNG screenshot of the current page's viewport to `path`.
    ///
    /// # Errors
    ///
    /// When the driver fails or the file cannot be written.
    pub fn screenshot(&mut self, path: &Path) -> Result<(), String> {
        let value = self.request("GET", "/screenshot", None)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(value.as_str().unwrap_or_default())
            .map_err(|e| format!("screenshot is not base64: {e}"))?;
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The browser log entries since the last read (chromedriver's extension endpoint).
    fn browser_log(&mut self) -> Result<Vec<Value>, String> {
        let entries = self.request("POST", "/se/log", Some(json!({ "type": "browser" })))?;
        Ok(entries.as_array().cloned().unwrap_or_default())
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        call(
            &self.agent,
            method,
            &format!("{}{path}", self.session),
            body,
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session closes Chromium; killing chromedriver alone would orphan it.
        let _ = call(&self.agent, "DELETE", &self.session, None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One WebDriver command: the response's `value`, or the driver's error as `error: message`.
fn call(agent: &Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(body)) => agent
            .post(url)
            .content_type("application/json")
            .send(body.to_string()),
        (_, None) => agent.post(url).send_empty(),
    };
    let mut response = response.map_err(|e| format!("{method} {url}: {e}"))?;
    let text = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_string()
        .map_err(|e| format!("{method} {url}: {e}"))?;
    let mut reply: Value =
        serde_json::from_str(&text).map_err(|e| format!("{method} {url}: {e}: {text}"))?;
    let value = reply["value"].take();
    if let Some(error) = value["error"].as_str() {
        // chromedriver appends a native stack trace after the first line.
        let message = value["message"].as_str().unwrap_or_default();
        let first = message.lines().next().unwrap_or_default();
        return Err(format!("{error}: {first}"));
    }
    Ok(value)
}

/// Characters left as they are in a `file://` URL's path: unreserved ones and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The `file://` URL of the absolute path `path`, percent-encoded (spaces, `#`, `?`, non-ASCII).
pub fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        utf8_percent_encode(&path.to_string_lossy(), PATH)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/#1ü.html")),
            "file:///tmp/a%20b/%231%C3%BC.html"
        );
    }

    #[test]
    fn chromium_reads_pages_and_console() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(
            dir.join("good page.html"),
            "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\">\
             <title>Gut</title><style>.h{display:none}</style></head>\
             <body><h1>Hallo Welt</h1><p class=\"h\">versteckt</p></body></html>",
        )
        .unwrap();
        std::fs::write(
            dir.join("console.html"),
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>C</title>\
             <script>console.log(\"fine\"); console.error(\"x\");</script></head>\
             <body><p>c</p></body></html>",
        )
        .unwrap();
        let started = Instant::now();
        let Some(mut browser) = Browser::start() else {
            return;
        };
        eprintln!("browser started in {:?}", started.elapsed());

        let good = browser
            .open(&file_url(&dir.join("good page.html")))
            .unwrap();
        assert_eq!(good.title, "Gut");
        assert_eq!(good.lang, "de");
        assert_eq!(good.visible_text.trim(), "Hallo Welt");
        assert_eq!(good.console_errors, Vec::<String>::new());
        let shot = dir.join("good.png");
        browser.screenshot(&shot).unwrap();
        let png = std::fs::read(&shot).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");

        let console = browser.open(&file_url(&dir.join("console.html"))).unwrap();
        assert_eq!(console.console_errors.len(), 1, "{console:#?}");
        assert!(console.console_errors[0].ends_with("\"x\""), "{console:#?}");
        // What the previous page logged does not carry over.
        let again = browser
            .open(&file_url(&dir.join("good page.html")))
            .unwrap();
        assert_eq!(again.console_errors, Vec::<String>::new());

        browser.set_window_size(390, 844).unwrap();
        let width = browser.execute("return window.innerWidth;", &[]).unwrap();
        assert_eq!(width, 390);

        let missing = browser.open(&file_url(&dir.join("missing.html")));
        assert!(missing.is_err(), "{missing:?}");
    }
}
