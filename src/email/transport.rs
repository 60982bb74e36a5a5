use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};

use super::OutgoingEmail;
use crate::config::{EmailSettings, EmailTransportKind, SmtpTls};

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("{0}")]
    Transient(String),
    #[error("{0}")]
    Permanent(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message, named by its idempotency key, so a retry rewrites the
    /// same file instead of adding a second one.
    Files(PathBuf),
    Log,
}

pub struct Mailer {
    transport: Transport,
    from: Address,
    from_name: String,
}

impl Mailer {
    pub fn from_settings(settings: &EmailSettings, mail_dir: PathBuf) -> Result<Mailer, String> {
        let from: Address = settings
            .from_address
            .parse()
            .map_err(|e| format!("email.from_address `{}`: {e}", settings.from_address))?;
        let transport = match settings.transport {
            EmailTransportKind::Smtp => Transport::Smtp(smtp_transport(settings)?),
            EmailTransportKind::File => {
                std::fs::create_dir_all(&mail_dir)
                    .map_err(|e| format!("mail directory {}: {e}", mail_dir.display()))?;
                Transport::Files(mail_dir)
            }
            EmailTransportKind::Log => Transport::Log,
        };
        Ok(Mailer { transport, from, from_name: settings.from_name.clone() })
    }

    /// Hands the message to the transport; returns its `Message-ID`.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<String, SendError> {
        let message_id = self.message_id(&email.key);
        let message = self.build(email, &message_id)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(format!("smtp: {e}"))
                } else {
                    SendError::Transient(format!("smtp: {e}"))
                }
            })?,
            Transport::Files(dir) => write_eml(dir, &email.key, &message.formatted()).await?,
            Transport::Log => {
                tracing::info!(to = %email.to, subject = %email.subject, %message_id, "email (log transport)");
            }
        }
        Ok(message_id)
    }

    /// Stable for a given key, so that a resent message can be recognised as the same one.
    fn message_id(&self, key: &str) -> String {
        let digest = hex::encode(Sha256::digest(key.as_bytes()));
        format!("<{}@{}>", &digest[..32], self.from.domain())
    }

    fn build(&self, email: &OutgoingEmail, message_id: &str) -> Result<Message, SendError> {
        let to: Address =
            email.to.parse().map_err(|e| SendError::Permanent(format!("recipient `{}`: {e}", email.to)))?;
        let sender_name = email.sender_name.clone().unwrap_or_else(|| self.from_name.clone());
        let mut builder = Message::builder()
            .from(Mailbox::new(Some(sender_name), self.from.clone()))
            .to(Mailbox::new(email.to_name.clone(), to))
            .subject(email.subject.clone())
            .message_id(Some(message_id.to_owned()));
        if let Some(url) = &email.unsubscribe_url {
            builder = builder.header(ListUnsubscribe(format!("<{url}>"))).header(ListUnsubscribePost);
        }
        let body = MultiPart::alternative()
            .singlepart(part(ContentType::TEXT_PLAIN, &email.text))
            .singlepart(part(ContentType::TEXT_HTML, &email.html));
        builder.multipart(body).map_err(|e| SendError::Permanent(format!("message: {e}")))
    }
}

/// Sends UTF-8 text as 8bit (RFC 6152), so messages and `.eml` files stay readable; a body
/// with a line too long for SMTP falls back to the library's own choice of encoding.
fn part(content_type: ContentType, content: &str) -> SinglePart {
    const SMTP_MAX_LINE_BYTES: usize = 998;
    let normalised = content.replace("\r\n", "\n");
    let body = if normalised.lines().all(|line| line.len() < SMTP_MAX_LINE_BYTES) {
        let crlf = normalised.replace('\n', "\r\n");
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit)
    } else {
        Body::new(normalised)
    };
    SinglePart::builder().header(content_type).body(body)
}

fn smtp_transport(settings: &EmailSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let smtp = &settings.smtp;
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone()),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| format!("smtp starttls: {e}"))?,
        SmtpTls::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(|e| format!("smtp tls: {e}"))?
        }
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(smtp.timeout_secs.max(1))))
        .pool_config(PoolConfig::new().max_size(smtp.pool_size.max(1)));
    if !smtp.username.is_empty() {
        builder =
            builder.credentials(Credentials::new(smtp.username.clone(), smtp.password.expose_secret().to_owned()));
    }
    Ok(builder.build())
}

async fn write_eml(dir: &std::path::Path, key: &str, bytes: &[u8]) -> Result<(), SendError> {
    let name: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let path = dir.join(format!("{name}.eml"));
    let partial = dir.join(format!(".{name}.eml.partial"));
    let io = |e: std::io::Error| SendError::Transient(format!("mail file {}: {e}", path.display()));
    tokio::fs::write(&partial, bytes).await.map_err(io)?;
    tokio::fs::rename(&partial, &path).await.map_err(io)?;
    Ok(())
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}
