mod me;
mod password;
mod registration;
mod sign_in;

use utoipa_actix_web::service_config::ServiceConfig;

pub use me::AccountView;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(registration::register)
        .service(registration::verify_email)
        .service(registration::resend_verification)
        .service(sign_in::login)
        .service(sign_in::refresh)
        .service(sign_in::logout)
        .service(password::request_reset)
        .service(password::confirm_reset)
        .service(password::change_password)
        .service(me::me)
        .service(me::update_me)
        .service(me::sessions)
        .service(me::sign_out_everywhere);
}
