/** The URL checks and clean-ups every provider and credential shares. */

/**
 * An absolute http(s) URL and nothing a browser would run or read differently:
 * no whitespace, quotes or angle brackets, no control characters.
 */
export function isHttpUrl(value: string): boolean {
	if (!/^https?:\/\/[^\s"<>]+$/i.test(value) || [...value].some((char) => char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127)) {
		return false;
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
