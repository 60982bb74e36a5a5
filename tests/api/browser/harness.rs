//! Real headless Chromium, driven through ChromeDriver (WebDriver). Debian's `chromium`
//! and `chromium-driver` are installed on first use when missing; a machine where that
//! cannot be done fails these tests with the reason, it never skips them.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Semaphore, SemaphorePermit};

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";
const AXE: &str = include_str!("axe-4.14.1.min.js");

/// Browsers open at once: each is a few hundred megabytes, and the machine has two cores.
static SLOTS: Semaphore = Semaphore::const_new(2);
static DRIVER_PORT: OnceLock<u16> = OnceLock::new();
static STARTING: Mutex<()> = Mutex::const_new(());

/// Installs Chromium and its driver from Debian's packages when they are missing.
fn ensure_installed() {
    if Path::new(CHROMIUM).exists() && Path::new(DRIVER).exists() {
        return;
    }
    eprintln!("browser tests: installing Debian's chromium and chromium-driver (apt-get)");
    let root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut command = if root {
            std::process::Command::new("apt-get")
        } else {
            let mut sudo = std::process::Command::new("sudo");
            sudo.args(["-n", "apt-get"]);
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive").status()
    };
    let installed =
        apt(&["install", "-y", "-q", "chromium", "chromium-driver"]).ok().filter(|s| s.success()).or_else(|| {
            apt(&["update", "-q"]).ok().and_then(|_| apt(&["install", "-y", "-q", "chromium", "chromium-driver"]).ok())
        });
    assert!(
        installed.is_some_and(|s| s.success()) && Path::new(DRIVER).exists(),
        "the browser tests need Debian's chromium and chromium-driver; installing them with apt-get failed (run as root or with sudo)"
    );
}

/// The one ChromeDriver of this test process, started on first use.
async fn driver_port() -> u16 {
    let _starting = STARTING.lock().await;
    if let Some(port) = DRIVER_PORT.get() {
        return *port;
    }
    tokio::task::spawn_blocking(ensure_installed).await.expect("install");
    let port = crate::helpers::server::free_port();
    // A watcher outlives nothing: when this test process is gone it ends the driver and
    // every browser it started (their own process group), even after a failed test.
    let watcher = std::process::Command::new("sh")
        .args([
            "-c",
            r#"setsid "$0" --port="$1" >/dev/null 2>&1 & driver=$!
               while kill -0 "$2" 2>/dev/null; do sleep 1; done
               kill -TERM -"$driver" 2>/dev/null; sleep 2; kill -KILL -"$driver" 2>/dev/null"#,
            DRIVER,
            &port.to_string(),
            &std::process::id().to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    std::mem::forget(watcher);
    let until = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(tokio::time::Instant::now() < until, "chromedriver did not start on port {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = DRIVER_PORT.set(port);
    port
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let binary = Path::new(env!("CARGO_BIN_EXE_techbridge"));
    let dir = binary
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("screenshots"))
        .unwrap_or_else(|| "target/screenshots".into());
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

pub struct Chrome {
    pub client: Client,
    pub base: String,
    _slot: SemaphorePermit<'static>,
    _profile: tempfile::TempDir,
}

impl Chrome {
    /// A fresh headless Chromium (its own profile: no cookie shared), 1280 px wide. A test
    /// holds one at a time this way; one that needs two side by side takes them together
    /// with [`Chrome::open_two`], so that two tests each holding one never wait on each other.
    pub async fn open(base: &str) -> Chrome {
        let slot = SLOTS.acquire().await.expect("browser slot");
        Chrome::launch(base, slot).await
    }

    /// Two browsers at once, both slots taken in one step.
    pub async fn open_two(base: &str) -> (Chrome, Chrome) {
        let mut slots = SLOTS.acquire_many(2).await.expect("browser slots");
        let other = slots.split(1).expect("two slots");
        (Chrome::launch(base, slots).await, Chrome::launch(base, other).await)
    }

    async fn launch(base: &str, slot: SemaphorePermit<'static>) -> Chrome {
        let port = driver_port().await;
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-extensions", "--window-size=1280,900", "--lang=vi",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let capabilities = capabilities.as_object().unwrap().clone().into_iter().collect();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        Chrome { client, base: base.to_owned(), _slot: slot, _profile: profile }
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        self.client.goto(&url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn html(&self) -> String {
        self.client.source().await.unwrap()
    }

    pub async fn find(&self, css: &str) -> Element {
        // A deadline, not a measure: on a loaded two-core machine several browsers and
        // servers share the cores, and a page can take seconds to arrive.
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Types into the field with this CSS selector (replacing what is there).
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Waits until the page's path starts with `prefix`.
    pub async fn wait_for_path(&self, prefix: &str) -> String {
        let until = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let path = self.path().await;
            if path.starts_with(prefix) {
                return path;
            }
            assert!(tokio::time::Instant::now() < until, "still on {path}, waiting for {prefix}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page holds `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let until = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if self.html().await.contains(text) {
                return;
            }
            assert!(tokio::time::Instant::now() < until, "{text:?} never showed on {}", self.path().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `script` returns true (e.g. until htmx has swapped a fragment in).
    pub async fn wait_until(&self, script: &str, what: &str) {
        let until = tokio::time::Instant::now() + Duration::from_secs(15);
        while self.execute(script).await.as_bool() != Some(true) {
            assert!(tokio::time::Instant::now() < until, "{what} never happened on {}", self.path().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types into a picker's filter box and waits until htmx has narrowed its options to
    /// at most `at_most`.
    pub async fn filter_picker(&self, name: &str, text: &str, at_most: usize) {
        self.type_into(&format!("#{name}-filter"), text).await;
        self.wait_until(
            &format!("return document.querySelectorAll('#{name}-options input').length <= {at_most}"),
            &format!("narrowing {name} to {text:?}"),
        )
        .await;
    }

    pub async fn execute(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// axe-core's serious and critical violations on the page shown.
    pub async fn accessibility_problems(&self) -> Vec<String> {
        self.client.execute(AXE, vec![]).await.expect("inject axe-core");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        result.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }

    /// Saves the page at 1280 and 390 px wide as `target/screenshots/<name>-<width>.png`.
    pub async fn screenshots(&self, name: &str) {
        for width in [1280_u32, 390] {
            self.client.set_window_size(width, 900).await.expect("window size");
            // The whole page: as tall as its content.
            let height =
                self.execute("return Math.ceil(document.documentElement.scrollHeight)").await.as_u64().unwrap_or(900);
            self.client
                .set_window_size(width, u32::try_from(height.clamp(600, 6000)).unwrap_or(900))
                .await
                .expect("window size");
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::write(screenshot_dir().join(format!("{name}-{width}.png")), png).expect("write screenshot");
        }
        self.client.set_window_size(1280, 900).await.expect("window size");
    }

    /// Presses Tab until the focused element matches `css` (at most `limit` times).
    pub async fn tab_to(&self, css: &str, limit: usize) {
        let script = format!(
            "return document.activeElement && document.activeElement.matches({})",
            serde_json::to_string(css).unwrap()
        );
        for _ in 0..limit {
            if self.execute(&script).await.as_bool() == Some(true) {
                return;
            }
            self.client.active_element().await.unwrap().send_keys(&char::from(Key::Tab).to_string()).await.unwrap();
        }
        panic!("Tab never reached {css}");
    }

    /// Keys to the focused element.
    pub async fn keys(&self, text: &str) {
        self.client.active_element().await.unwrap().send_keys(text).await.unwrap();
    }
}

pub fn key(key: Key) -> String {
    char::from(key).to_string()
}
