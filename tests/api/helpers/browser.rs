//! A browser without a browser: a cookie jar, forms sent as `application/x-www-form-
//! urlencoded` with the CSRF token the last page carried, redirects followed by hand.

use reqwest::StatusCode;

use super::{PASSWORD, TestApp};

pub struct WebPage {
    pub status: StatusCode,
    pub content_type: String,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub html: String,
    /// Where the page was read (after redirects).
    pub path: String,
}

impl WebPage {
    pub fn ok(&self) -> &str {
        assert_eq!(self.status, 200, "{} answered {}:\n{}", self.path, self.status, excerpt(&self.html));
        assert!(self.content_type.starts_with("text/html"), "{}: {}", self.path, self.content_type);
        &self.html
    }

    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        csrf_of(&self.html).unwrap_or_else(|| panic!("no CSRF token on {}", self.path))
    }

    /// The text of the element with this id (a field's error, say), markup removed.
    pub fn text_of(&self, id: &str) -> Option<String> {
        let at = self.html.find(&format!("id=\"{id}\""))?;
        let start = self.html[at..].find('>')? + at + 1;
        let end = self.html[start..].find('<')? + start;
        Some(self.html[start..end].trim().to_owned())
    }

    /// The value attribute of the input named `name`.
    pub fn value_of(&self, name: &str) -> Option<String> {
        let at = self.html.find(&format!("name=\"{name}\""))?;
        let tag_end = self.html[at..].find('>')? + at;
        let tag = &self.html[at..tag_end];
        let value_at = tag.find("value=\"")? + "value=\"".len();
        let value_end = tag[value_at..].find('"')? + value_at;
        Some(html_unescape(&tag[value_at..value_end]))
    }
}

pub fn excerpt(html: &str) -> String {
    html.chars().take(1500).collect()
}

pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[at..].find('"')? + at;
    Some(html[at..end].to_owned())
}

pub fn html_unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    /// The CSRF token of the last page read.
    pub csrf: Option<String>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser { base: app.address.clone(), client, csrf: None }
    }

    async fn read(&mut self, response: reqwest::Response, path: &str) -> WebPage {
        let status = response.status();
        let headers = response.headers().clone();
        let html = response.text().await.unwrap_or_default();
        if let Some(token) = csrf_of(&html) {
            self.csrf = Some(token);
        }
        WebPage {
            status,
            content_type: headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned(),
            location: headers.get("location").and_then(|v| v.to_str().ok()).map(str::to_owned),
            set_cookies: headers
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_owned)
                .collect(),
            html,
            path: path.to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) }
    }

    /// One GET, no redirect followed.
    pub async fn get_once(&mut self, path: &str) -> WebPage {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        self.read(response, path).await
    }

    /// GET, following redirects (at most five).
    pub async fn get(&mut self, path: &str) -> WebPage {
        let mut page = self.get_once(path).await;
        for _ in 0..5 {
            match (page.status.is_redirection(), page.location.clone()) {
                (true, Some(location)) => page = self.get_once(&location).await,
                _ => break,
            }
        }
        page
    }

    /// POSTs a form with the CSRF token of the last page, without following the answer.
    pub async fn post_once(&mut self, path: &str, fields: &[(&str, &str)]) -> WebPage {
        let token = self.csrf.clone().unwrap_or_default();
        let mut body: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        body.extend_from_slice(fields);
        let encoded = serde_html_form_encode(&body);
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded)
            .send()
            .await
            .expect("POST");
        self.read(response, path).await
    }

    /// POSTs a form and follows where it sends (a 303 after success).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> WebPage {
        let page = self.post_once(path, fields).await;
        match (page.status.is_redirection(), page.location.clone()) {
            (true, Some(location)) => self.get(&location).await,
            _ => page,
        }
    }

    /// POSTs raw form fields, with no CSRF token added.
    pub async fn post_without_token(&mut self, path: &str, fields: &[(&str, &str)]) -> WebPage {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_html_form_encode(fields))
            .send()
            .await
            .expect("POST");
        self.read(response, path).await
    }

    /// Signs in through the page, coming back to `next`.
    pub async fn sign_in(&mut self, email: &str, next: &str) -> WebPage {
        self.get(&format!("/sign-in?next={}", encode(next))).await.ok();
        self.post("/sign-in", &[("email", email), ("password", PASSWORD), ("next", next)]).await
    }

    pub async fn switch_language(&mut self, code: &str) {
        self.get(&format!("/lang/{code}?next=/")).await.ok();
    }
}

pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn serde_html_form_encode(fields: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        out.append_pair(name, value);
    }
    out.finish()
}
