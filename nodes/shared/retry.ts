/**
 * Retries (README, "Errors, retries and Continue On Fail"), pure so every
 * rule is tested with given times: what a 429's headers ask for, and, for
 * each answer, whether to try again and when (decideRetry).
 */
import type { ProviderFailure } from './errors';
import type { RateLimitHint } from './pace';

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
 * (`1767225600`) or a date (ISO 8601, see README "Speed and rate
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
 * What `X-RateLimit-Limit`, `-Remaining` and `-Reset` say, on any answer (some APIs
 * send them on their 429s only, many on every answer). Values that are not
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
	'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN',
	'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/** What one request came to, as the transport classified it. */
export type Outcome =
	| { kind: 'success' }
	| { kind: 'refused'; failure: ProviderFailure; wait: RetryWait }
	/** `retryable`: a read may be tried again (a 502/503/504 or a network error the provider did not explain). */
	| { kind: 'failed'; failure: ProviderFailure; retryable: boolean };

/** What earlier attempts of the same request came to. */
export interface RetryHistory {
	/** When the request first asked (epoch ms). */
	since: number;
	/** The first 429's time: Max Retry Wait counts from it. */
	firstRefusedAt?: number;
	refusals: number;
	retries: number;
}

export type RetryDecision =
	| { kind: 'done' }
	| { kind: 'retry'; waitMs: number; history: RetryHistory }
	| { kind: 'fail'; failure: ProviderFailure };

/**
 * Whether to send again, and after how long. A 429 is retried until the
 * item's Max Retry Wait (from its first 429) is spent: the provider did
 * nothing. A read is retried after a 502/503/504 or a network error, Max
 * Retries times; a request that mints (`idempotent` false) never is, because
 * each one mints a new link.
 */
export function decideRetry(
	outcome: Outcome,
	history: RetryHistory,
	now: number,
	policy: RetryPolicy,
	idempotent: boolean,
	random: () => number = Math.random,
): RetryDecision {
	if (outcome.kind === 'success') return { kind: 'done' };
	if (outcome.kind === 'failed') {
		if (!outcome.retryable || !idempotent || history.retries >= policy.maxRetries) return { kind: 'fail', failure: outcome.failure };
		return { kind: 'retry', waitMs: backoffMs(history.retries, random), history: { ...history, retries: history.retries + 1 } };
	}
	const firstRefusedAt = history.firstRefusedAt ?? now;
	if (now + outcome.wait.ms > firstRefusedAt + policy.maxWaitSeconds * 1000) {
		const failure =
			history.refusals === 0
				? tooLongWaitFailure(outcome.failure, outcome.wait, policy)
				: budgetSpentFailure(outcome.failure, now + outcome.wait.ms, history.since, now, policy);
		return { kind: 'fail', failure };
	}
	return { kind: 'retry', waitMs: outcome.wait.ms, history: { ...history, firstRefusedAt, refusals: history.refusals + 1 } };
}

/** A 429 asked for a wait longer than Max Retry Wait: say when to retry. */
export function tooLongWaitFailure(failure: ProviderFailure, wait: RetryWait, policy: RetryPolicy): ProviderFailure {
	const seconds = Math.ceil(wait.ms / 1000);
	const when = wait.retryAt ? ` (at ${wait.retryAt.toISOString()})` : '';
	return {
		...failure,
		message: `${failure.message.replace(/[.\s]+$/, '')}. Retry in ${seconds} second${seconds === 1 ? '' : 's'}${when}`,
		description: joinLines(failure.description, `The provider asked to wait ${seconds} s, longer than the ${policy.maxWaitSeconds} s this node waits.`),
	};
}

/** 429s went on for longer than Max Retry Wait. */
export function budgetSpentFailure(
	failure: ProviderFailure,
	until: number | undefined,
	since: number,
	now: number,
	policy: RetryPolicy,
): ProviderFailure {
	const waited = Math.max(1, Math.round((now - since) / 1000));
	const when = until !== undefined && Number.isFinite(until) ? ` Retry after ${new Date(until).toISOString()}.` : '';
	return {
		...failure,
		message: `${failure.message.replace(/[.\s]+$/, '')}. Still rate-limited after waiting ${waited} second${waited === 1 ? '' : 's'}`,
		description: joinLines(
			failure.description,
			`The provider kept refusing for longer than Max Retry Wait (${policy.maxWaitSeconds} s).${when} Lower the number of items per run, spread runs out, or raise Max Retry Wait in Request Options.`,
		),
	};
}

export function joinLines(...lines: Array<string | undefined>): string {
	return lines.filter(Boolean).join('\n');
}
