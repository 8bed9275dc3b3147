package chain

import "net/url"

// RedactURL returns the scheme, host and port of an RPC URL with any user
// info, path and query hidden: providers put API keys in all three.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[redacted]"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		out += "/[redacted]"
	}
	return out
}
