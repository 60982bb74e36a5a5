//! The layering of `src/`, checked rather than remembered. Read from the `crate::` paths
//! of every source file:
//!
//! - the core (config, db, error, http, jobs, email, ops, …) imports only the core: not a
//!   feature, not the application state, not the wiring;
//! - nothing imports the wiring (`startup`) but the command line (`cli`);
//! - search imports neither listings nor matching nor the application state: it is fed
//!   documents;
//! - registry imports nothing from listings, and review imports neither: both feed it.

use std::collections::BTreeSet;
use std::path::Path;

/// The modules every feature may lean on; they know no feature.
const CORE: &[&str] = &[
    "audit",
    "clock",
    "code_enum",
    "config",
    "db",
    "email",
    "error",
    "http",
    "i18n",
    "jobs",
    "ops",
    "schedule",
    "secrets",
    "templates",
    "text",
];

/// (module, modules it must not import, why).
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    ("search", &["listings", "matching", "app"], "the index is fed documents; it knows no listing"),
    ("registry", &["listings"], "organizations come before their listings"),
    ("review", &["registry", "listings"], "what is reviewed feeds the review, not the other way round"),
];

/// The top-level module of a file under `src/`: `jobs` for `src/jobs/queue.rs`.
fn module_of(relative: &str) -> &str {
    let first = relative.split('/').next().unwrap_or(relative);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The top-level modules a source text names through `crate::`, each with the line.
fn imports(text: &str) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
    let mut in_group: Option<(usize, String)> = None;
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some((start, mut group)) = in_group.take() {
            group.push_str(code);
            if code.contains('}') {
                for name in group_names(&group) {
                    found.push((start, name, group.trim().to_owned()));
                }
            } else {
                in_group = Some((start, group));
            }
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                if group.contains('}') {
                    for name in group_names(group) {
                        found.push((number + 1, name, line.trim().to_owned()));
                    }
                } else {
                    in_group = Some((number + 1, group.to_owned()));
                }
                break;
            }
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push((number + 1, name, line.trim().to_owned()));
            }
        }
    }
    found
}

/// The first names of a `{a, b::c, d}` group.
fn group_names(group: &str) -> Vec<String> {
    let inner = group.split('}').next().unwrap_or(group);
    let mut depth = 0;
    let mut names = Vec::new();
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => names.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    names.push(current);
    names
        .into_iter()
        .filter_map(|n| {
            let name: String = n.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            (!name.is_empty() && name != "self").then_some(name)
        })
        .collect()
}

/// Every broken rule among these files (path under `src/`, text), one message each.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut broken = BTreeSet::new();
    for (relative, text) in files {
        let module = module_of(relative);
        for (line, imported, statement) in imports(text) {
            if imported == module {
                continue;
            }
            let at = format!("src/{relative}:{line}: `{statement}`");
            if CORE.contains(&module) && !CORE.contains(&imported.as_str()) {
                broken.insert(format!(
                    "{at}: the core module `{module}` imports `{imported}`; the core knows no feature, no application state and no wiring"
                ));
            }
            if imported == "startup" && module != "cli" {
                broken.insert(format!("{at}: `{module}` imports the wiring (`startup`); only `cli` and `main` may"));
            }
            for (owner, banned, why) in FORBIDDEN {
                if module == *owner && banned.contains(&imported.as_str()) {
                    broken.insert(format!("{at}: `{module}` imports `{imported}`: {why}"));
                }
            }
        }
    }
    broken.into_iter().collect()
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn the_layering_of_src_holds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert!(files.len() > 100, "read the sources under {}", root.display());
    let broken = violations(&files);
    assert!(broken.is_empty(), "{} import(s) break the layering:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn a_wrong_import_is_named_with_its_file_and_line() {
    let file = |path: &str, text: &str| (path.to_owned(), text.to_owned());
    let files = vec![
        file("jobs/worker.rs", "use crate::db::Db;\nuse crate::matching::engine;\n"),
        file("email/mod.rs", "use crate::{clock::Clock, app::AppState};\n"),
        file("search/indexing.rs", "    let x = crate::listings::store::find(conn);\n"),
        file("registry/service.rs", "use crate::{\n    audit,\n    listings::store,\n};\n"),
        file("tenants/routes.rs", "use crate::startup::AppState; // old\n"),
        // Allowed: a feature using the core and a lower feature, the command line the wiring.
        file("listings/service.rs", "use crate::registry::store;\nuse crate::jobs::Job;\n"),
        file("cli.rs", "use crate::startup::Application;\n"),
        file("db/mod.rs", "// crate::listings in a comment is not an import\n"),
    ];
    assert_eq!(
        violations(&files),
        vec![
            "src/email/mod.rs:1: `use crate::{clock::Clock, app::AppState};`: the core module `email` imports `app`; the core knows no feature, no application state and no wiring",
            "src/jobs/worker.rs:2: `use crate::matching::engine;`: the core module `jobs` imports `matching`; the core knows no feature, no application state and no wiring",
            "src/registry/service.rs:1: `audit,    listings::store,};`: `registry` imports `listings`: organizations come before their listings",
            "src/search/indexing.rs:1: `let x = crate::listings::store::find(conn);`: `search` imports `listings`: the index is fed documents; it knows no listing",
            "src/tenants/routes.rs:1: `use crate::startup::AppState; // old`: `tenants` imports the wiring (`startup`); only `cli` and `main` may",
        ]
    );
}
