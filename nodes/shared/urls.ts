/** The URL checks and clean-ups every provider and credential shares. */

/**
 * An absolute http(s) URL and nothing a browser would run or read differently:
 * no whitespace, quotes or angle brackets, no control characters.
 */
export function isHttpUrl(value: string): boolean {
	if (!/^https?:\/\/[^\s"<>]+$/i.test(value)) return false;
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if (code < 32 || code === 127) return false;
	}
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

/** A base URL from a credential field: trimmed, without trailing slashes, `fallback` when empty. */
export function trimBaseUrl(value: unknown, fallback = ''): string {
	const text = typeof value === 'string' ? value.trim() : '';
	return (text || fallback).replace(/\/+$/, '');
}

/**
 * What every request carrying a credential sends along, the nodes' (transport.ts)
 * and the credentials' declarative tests alike: a redirect comes back as an
 * answer and is not followed, so a key, token or password goes only to the
 * address in the credential (errors.ts, redirectFailure); and should n8n follow
 * one anyway, it keeps the Authorization header from another origin.
 */
export const NO_REDIRECTS = { disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false } as const;
