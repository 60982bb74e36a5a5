//! The files every page loads, built into the binary: the stylesheet, htmx (vendored from
//! its npm package, 0BSD licence beside it) and the icon. Each is served under a name that
//! carries a hash of its content, so browsers may keep it for a year and a new build is
//! fetched at once.

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: [Asset; 4] = [
    Asset {
        stem: "app",
        extension: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("assets/app.css"),
    },
    Asset {
        stem: "htmx-2.0.11",
        extension: "js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("assets/htmx-2.0.11.min.js"),
    },
    Asset {
        stem: "htmx-2.0.11-LICENSE",
        extension: "txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("assets/htmx-LICENSE.txt"),
    },
    Asset { stem: "icon", extension: "svg", content_type: "image/svg+xml", bytes: include_bytes!("assets/icon.svg") },
];

/// The served names, e.g. `/static/app.3f2a9c1b0d4e.css`.
pub struct Paths {
    pub stylesheet: String,
    pub htmx: String,
    pub htmx_licence: String,
    pub icon: String,
}

struct Served {
    names: Vec<String>,
    paths: Paths,
}

static SERVED: LazyLock<Served> = LazyLock::new(|| {
    let names: Vec<String> = FILES
        .iter()
        .map(|asset| {
            let digest = hex::encode(Sha256::digest(asset.bytes));
            format!("{}.{}.{}", asset.stem, &digest[..12], asset.extension)
        })
        .collect();
    let path = |i: usize| format!("/static/{}", names[i]);
    let paths = Paths { stylesheet: path(0), htmx: path(1), htmx_licence: path(2), icon: path(3) };
    Served { names, paths }
});

pub fn paths() -> &'static Paths {
    &SERVED.paths
}

/// `GET /static/{name}`: a file by its hashed name, cached for a year.
pub async fn serve(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let index = SERVED.names.iter().position(|served| *served == *name).ok_or(AppError::NotFound)?;
    let asset = &FILES[index];
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")))
        .body(asset.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_a_hash_of_the_content() {
        let paths = paths();
        assert!(paths.stylesheet.starts_with("/static/app.") && paths.stylesheet.ends_with(".css"));
        assert_eq!(paths.stylesheet.len(), "/static/app.".len() + 12 + ".css".len());
        assert!(paths.htmx.starts_with("/static/htmx-2.0.11."));
    }
}
