//! The OpenAPI document's frame; the paths come from the routes themselves.

use actix_web::{HttpResponse, web};
use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

use crate::error::PROBLEM_CONTENT_TYPE;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "TechBridge API",
        description = "Registry and technology matchmaking for Vietnam's provincial Departments of Science and Technology. \
Errors are application/problem+json (RFC 9457) in Vietnamese or English by Accept-Language.",
    ),
    components(schemas(crate::error::ProblemBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and sign-in"),
        (name = "tenants", description = "Provinces and their staff"),
        (name = "organizations", description = "The registry: organizations, their review and members"),
        (name = "listings", description = "Technology offers and needs, and the marketplace"),
        (name = "matches", description = "Offers matched with needs, from suggestion to deal"),
        (name = "notifications", description = "In-app notifications, email preferences, saved searches, unsubscribe"),
        (name = "reports", description = "Province and national figures, targets, open-data exports"),
        (name = "taxonomy", description = "Reference classifications"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The rendered document, built once at start-up.
pub struct Document(String);

impl Document {
    pub fn new(mut openapi: OpenApi) -> Result<Document, crate::error::AppError> {
        openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
        declare_common_problems(&mut openapi);
        Ok(Document(openapi.to_json()?))
    }
}

const PROBLEM_SCHEMA: &str = "ProblemBody";

/// Adds to every operation the problems it can answer whatever its handler does — they
/// come from the extractors, the middleware and the database, not from the route — so
/// that each route declares only its own; and declares every problem document with the
/// content type it is served with.
fn declare_common_problems(openapi: &mut OpenApi) {
    for (path, item) in openapi.paths.paths.iter_mut() {
        let rate_limited = crate::ops::RATE_LIMITED_PATHS.contains(&path.as_str());
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, description) in common_problems(operation, rate_limited) {
                operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description).into());
            }
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    serve_problems_as_problem_json(response);
                }
            }
        }
    }
}

/// The statuses an operation can answer by its shape alone, with what they mean there.
fn common_problems(operation: &Operation, rate_limited: bool) -> Vec<(&'static str, &'static str)> {
    let takes_body = operation.request_body.is_some();
    let has_parameter =
        |place: ParameterIn| operation.parameters.iter().flatten().any(|parameter| parameter.parameter_in == place);
    let requirements = operation.security.as_deref().unwrap_or_default();
    let reads_token = requirements.iter().any(|requirement| *requirement != SecurityRequirement::default());
    let token_optional = requirements.iter().any(|requirement| *requirement == SecurityRequirement::default());

    let mut problems = Vec::new();
    if takes_body {
        problems.push(("400", "The body is not valid JSON or could not be read"));
    }
    if reads_token {
        problems.push((
            "401",
            if token_optional {
                "A bearer token was sent but is invalid or expired, or its session has ended"
            } else {
                "No bearer token, or one that is invalid or expired, or whose session has ended"
            },
        ));
    }
    if has_parameter(ParameterIn::Path) {
        problems.push(("404", "No such resource, or none the caller may see"));
    }
    if takes_body {
        problems.push(("413", "The body is larger than the limit"));
        problems.push(("415", "The body is not sent as application/json"));
    }
    if takes_body || has_parameter(ParameterIn::Query) {
        problems.push(("422", "A field or parameter is missing or invalid; each is named in `errors`"));
    }
    if rate_limited {
        problems.push(("429", "Too many requests from this address; `Retry-After` says when to try again"));
    }
    problems.push(("500", "An unexpected error; the `request_id` identifies it in the log"));
    problems.push(("503", "The database cannot be reached or the service is overloaded"));
    problems
}

fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_CONTENT_TYPE, Content::new(Some(Ref::from_schema_name(PROBLEM_SCHEMA))))
        .build()
}

/// A route that declares a problem body gets `application/json` from the annotation; the
/// server sends `application/problem+json`.
fn serve_problems_as_problem_json(response: &mut Response) {
    let problem_ref = Ref::from_schema_name(PROBLEM_SCHEMA).ref_location;
    let is_problem = response.content.get("application/json").is_some_and(
        |content| matches!(&content.schema, Some(RefOr::Ref(reference)) if reference.ref_location == problem_ref),
    );
    if is_problem && let Some(content) = response.content.shift_remove("application/json") {
        response.content.insert(PROBLEM_CONTENT_TYPE.to_owned(), content);
    }
}

pub async fn serve(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document.0.clone())
}
