//! The OpenAPI document's frame; the paths come from the routes themselves.

use actix_web::{HttpResponse, web};
use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "TechBridge API",
        description = "Registry and technology matchmaking for Vietnam's provincial Departments of Science and Technology. \
Errors are application/problem+json (RFC 9457) in Vietnamese or English by Accept-Language.",
    ),
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
    pub fn new(mut openapi: utoipa::openapi::OpenApi) -> Result<Document, crate::error::AppError> {
        openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
        Ok(Document(openapi.to_json()?))
    }
}

pub async fn serve(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document.0.clone())
}
