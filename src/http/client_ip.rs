//! The client's address behind a known number of proxies.
//!
//! `X-Forwarded-For` is a list each proxy appends to: everything left of what our own
//! proxies wrote was written by the client and proves nothing. With `trusted_proxies`
//! proxies in front of the server (the last of which is the peer of the connection), the
//! client is the entry that the outermost trusted proxy appended: the `trusted_proxies`-th
//! from the right.

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;

/// The client address of a request that came from `peer` with these headers.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted_proxies: usize) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    from_forwarded_list(peer, &forwarded, trusted_proxies)
}

fn from_forwarded_list(peer: Option<IpAddr>, forwarded: &[&str], trusted_proxies: usize) -> Option<IpAddr> {
    // A shorter list than our own proxies write means the request did not come through
    // all of them: the connection's peer is then the only address we can vouch for.
    let Some(index) = forwarded.len().checked_sub(trusted_proxies) else {
        return peer;
    };
    forwarded.get(index).and_then(|entry| parse_entry(entry)).or(peer)
}

/// An address as proxies write it: bare, or with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    entry.parse::<std::net::SocketAddr>().ok().map(|socket| socket.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let headers = HeaderMap::new();
        assert_eq!(client_ip(ip("10.0.0.1"), &headers, 0), ip("10.0.0.1"));
    }

    #[test]
    fn the_entry_our_outermost_proxy_wrote_is_the_client() {
        let peer = ip("10.0.0.1");
        // One proxy: it appended the client's address last; the forged entries before it
        // change nothing.
        assert_eq!(from_forwarded_list(peer, &["6.6.6.6", "203.0.113.7"], 1), ip("203.0.113.7"));
        assert_eq!(from_forwarded_list(peer, &["1.1.1.1", "203.0.113.7"], 1), ip("203.0.113.7"));
        // Two proxies: the outer one appended the client, the inner one the outer's address.
        assert_eq!(from_forwarded_list(peer, &["6.6.6.6", "203.0.113.7", "10.0.0.2"], 2), ip("203.0.113.7"));
        assert_eq!(from_forwarded_list(peer, &["203.0.113.7:5555"], 1), ip("203.0.113.7"));
        assert_eq!(from_forwarded_list(peer, &["[2001:db8::1]:443"], 1), ip("2001:db8::1"));
    }

    #[test]
    fn a_short_or_garbled_list_falls_back_to_the_peer() {
        let peer = ip("10.0.0.1");
        assert_eq!(from_forwarded_list(peer, &[], 1), peer);
        assert_eq!(from_forwarded_list(peer, &["203.0.113.7"], 2), peer);
        assert_eq!(from_forwarded_list(peer, &["not an address"], 1), peer);
    }
}
