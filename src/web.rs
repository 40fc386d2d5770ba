//! Addresses on the web, written the same way wherever they appear: the resolvable link of a
//! DOI and the host of an address. The consent gate checks DOIs and addresses; render shows
//! them; neither needs the other for that.

/// The resolvable link of a bare DOI.
pub fn doi_url(doi: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'#')
        .add(b'%')
        .add(b'?');
    format!(
        "https://doi.org/{}",
        percent_encoding::utf8_percent_encode(doi, SET)
    )
}

/// The host of an `http(s)` address, without `www.`; `None` for anything else.
pub fn web_host(address: &str) -> Option<String> {
    let url = url::Url::parse(address.trim()).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    let host = url.host_str()?.to_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_link_and_hosts_drop_www() {
        assert_eq!(doi_url("10.1000/a#b"), "https://doi.org/10.1000/a%23b");
        assert_eq!(
            web_host("https://www.YouTube.com/watch?v=x").as_deref(),
            Some("youtube.com")
        );
        assert_eq!(web_host("ftp://example.org/"), None);
    }
}
