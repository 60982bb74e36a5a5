//! The built `techbridge` binary as a child process, for tests that restart it, kill it
//! or run several instances at once.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `techbridge serve` on `port` over `data_dir` and `database_url`, in the test environment
/// (mail to `.eml` files, no rate limits), with `extra` environment variables on top.
pub fn command(data_dir: &Path, database_url: &str, port: u16, extra: &[(&str, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_techbridge"));
    command
        .arg("serve")
        .env("TECHBRIDGE_ENV", "test")
        .env_remove("TECHBRIDGE__AUTH__SECRET")
        .env_remove("TECHBRIDGE__AUTH__JWT_SECRET")
        .env("TECHBRIDGE__DATA_DIR", data_dir)
        .env("TECHBRIDGE__DATABASE__URL", database_url)
        .env("TECHBRIDGE__SERVER__PORT", port.to_string())
        .env("TECHBRIDGE__SERVER__WORKERS", "1")
        .env("TECHBRIDGE__JOBS__POLL_INTERVAL_MS", "50")
        .env("TECHBRIDGE__RATE_LIMIT__ENABLED", "false")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for (key, value) in extra {
        command.env(key, value);
    }
    command
}

pub fn start(data_dir: &Path, database_url: &str, port: u16, extra: &[(&str, String)]) -> Child {
    command(data_dir, database_url, port, extra).spawn().expect("start the server binary")
}

pub async fn wait_until_ready(client: &reqwest::Client, port: u16) {
    let until = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/health/ready")).send().await
            && response.status() == 200
        {
            return;
        }
        assert!(tokio::time::Instant::now() < until, "the server on port {port} did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
