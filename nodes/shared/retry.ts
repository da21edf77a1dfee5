/**
 * Retry timing (README, "Errors, retries and Continue On Fail"), pure so it can be tested with a fixed
 * clock: how long to wait before the next attempt and whether waiting is
 * allowed at all.
 */
import type { RateLimitHint } from './traffic';

export interface RetryPolicy {
	/** Retries of a read after a 502/503/504 or a network error. */
	maxRetries: number;
	/**
	 * The time an item may spend waiting on 429s, from its first one: a 429 is
	 * retried (the provider did nothing) until this budget is spent, and a wait
	 * that would overrun it fails at once, telling the user when to retry.
	 */
	maxWaitSeconds: number;
	/** Per-request timeout. */
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	maxWaitSeconds: 60,
	timeoutMs: 30_000,
};

/** First backoff step when the provider says nothing about when to come back. */
const BACKOFF_BASE_MS = 1000;

export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

export interface RetryWait {
	ms: number;
	/** Which header the wait came from: Retry-After wins over X-RateLimit-Reset, then backoff. */
	source: 'retry-after' | 'x-ratelimit-reset' | 'backoff';
	/** When the provider said to come back, if it said. */
	retryAt?: Date;
}

/** Exponential backoff with ±20 % jitter: 1 s, 2 s, 4 s, … */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	return Math.round(BACKOFF_BASE_MS * 2 ** attempt * (0.8 + 0.4 * random()));
}

/**
 * When `X-RateLimit-Reset` says the limit resets (epoch ms), or undefined.
 * APIs send it three ways: delta seconds (`60`), epoch seconds
 * (`1767225600`) or a date (HostUp sends ISO 8601, see README "Speed and rate
 * limits"). 1–8 digits are seconds from now (8 digits is over three years),
 * 9 or more epoch seconds, anything else a date.
 */
export function parseResetTime(value: string | undefined, now: number): number | undefined {
	const text = value?.trim();
	if (!text) return undefined;
	if (/^\d{1,8}(\.\d+)?$/.test(text)) return now + Number(text) * 1000;
	if (/^\d{9,}$/.test(text)) return Number(text) * 1000;
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : at;
}

/**
 * The wait a 429 asks for: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (see parseResetTime), else backoff.
 */
export function rateLimitWait(
	headers: HeaderBag,
	attempt: number,
	now: Date = new Date(),
	random: () => number = Math.random,
): RetryWait {
	const until = (at: number, source: RetryWait['source']): RetryWait => {
		// A wait past any sensible horizon (or a number too large for a date) is
		// just "very long": it exceeds every maximum, and has no date to show.
		const capped = Math.min(Math.max(0, at - now.getTime()), LONGEST_WAIT_MS);
		const retryAt = new Date(now.getTime() + capped);
		return { ms: capped, source, ...(Number.isNaN(retryAt.getTime()) ? {} : { retryAt }) };
	};
	const retryAfter = header(headers, 'retry-after')?.trim();
	if (retryAfter) {
		if (/^\d+(\.\d+)?$/.test(retryAfter)) {
			return until(now.getTime() + Number(retryAfter) * 1000, 'retry-after');
		}
		const at = Date.parse(retryAfter);
		if (!Number.isNaN(at)) return until(at, 'retry-after');
	}
	const reset = parseResetTime(header(headers, 'x-ratelimit-reset'), now.getTime());
	if (reset !== undefined) return until(reset, 'x-ratelimit-reset');
	return { ms: backoffMs(attempt, random), source: 'backoff' };
}

/**
 * What `X-RateLimit-Limit`, `-Remaining` and `-Reset` say, on any answer (HostUp
 * sends them on its 429s; many APIs on every answer). Values that are not
 * whole numbers are ignored.
 */
export function readRateLimitHint(headers: HeaderBag, now: number): RateLimitHint | undefined {
	const count = (name: string) => {
		const text = header(headers, name)?.trim();
		return text && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
	};
	const limit = count('x-ratelimit-limit');
	const remaining = count('x-ratelimit-remaining');
	const resetAt = parseResetTime(header(headers, 'x-ratelimit-reset'), now);
	if (limit === undefined && remaining === undefined && resetAt === undefined) return undefined;
	return {
		...(limit !== undefined ? { limit } : {}),
		...(remaining !== undefined ? { remaining } : {}),
		...(resetAt !== undefined ? { resetAt } : {}),
	};
}

/** Longer than any retry maximum anyone sets: a year. */
const LONGEST_WAIT_MS = 365 * 24 * 3600 * 1000;

/** Statuses on which a GET (never a minting POST) is tried again. */
export const RETRYABLE_GET_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Network failures on which a GET is tried again. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EAI_AGAIN',
	'ENOTFOUND',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);
