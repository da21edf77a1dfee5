/**
 * rateLimitWait and backoffMs on arbitrary headers, attempts, clocks and
 * jitter: a wait is never negative or NaN, and follows README's order
 * (Retry-After, else X-RateLimit-Reset, else backoff).
 */
import fc from 'fast-check';

import { backoffMs, rateLimitWait } from '../../nodes/shared/retry';
import type { HeaderBag } from '../../nodes/shared/retry';

const RUNS = 1000;

const nowArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
const attemptArb = fc.integer({ min: 0, max: 10 });
const randomArb = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Header values as servers send them, and as they should not. */
const headerValueArb = (now: Date) =>
	fc.oneof(
		fc.integer({ min: 0, max: 100_000 }).map(String),
		fc.double({ min: 0, max: 1e5, noNaN: true }).map((value) => value.toFixed(3)),
		fc.integer({ min: -86_400_000, max: 86_400_000 }).map((offset) => new Date(now.getTime() + offset).toUTCString()),
		fc.integer({ min: -86_400_000, max: 86_400_000 }).map((offset) => new Date(now.getTime() + offset).toISOString()),
		fc.integer({ min: -86_400, max: 86_400 }).map((offset) => String(Math.floor(now.getTime() / 1000) + offset)),
		fc.constantFrom('', ' ', '-1', '-0', 'NaN', 'Infinity', '1e3', '0x10', 'soon', 'Thu, 01 Jan 1970 00:00:00 GMT', '  7  ', '7s', '1,2'),
		fc.string(),
	);

const headersArb = (now: Date): fc.Arbitrary<HeaderBag> =>
	fc.record(
		{
			'retry-after': fc.oneof(headerValueArb(now), fc.array(headerValueArb(now), { maxLength: 2 })),
			'x-ratelimit-reset': fc.oneof(headerValueArb(now), fc.array(headerValueArb(now), { maxLength: 2 })),
		},
		{ requiredKeys: [] },
	);

describe('rateLimitWait', () => {
	it('never returns a negative, NaN or infinite wait, and says where it came from', () => {
		fc.assert(
			fc.property(
				nowArb.chain((now) => fc.tuple(fc.constant(now), headersArb(now))),
				attemptArb,
				randomArb,
				([now, headers], attempt, random) => {
					const wait = rateLimitWait(headers, attempt, now, () => random);
					expect(Number.isNaN(wait.ms)).toBe(false);
					expect(wait.ms).toBeGreaterThanOrEqual(0);
					expect(Number.isFinite(wait.ms)).toBe(true);
					expect(['retry-after', 'x-ratelimit-reset', 'backoff']).toContain(wait.source);
					if (wait.retryAt) expect(Number.isNaN(wait.retryAt.getTime())).toBe(false);
					if (wait.source === 'backoff') expect(wait.ms).toBe(backoffMs(attempt, () => random));
				},
			),
			{ numRuns: RUNS },
		);
	});

	it('prefers a usable Retry-After over X-RateLimit-Reset, and either over backoff', () => {
		fc.assert(
			fc.property(nowArb, fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 1, max: 3600 }), attemptArb, (now, seconds, resetIn, attempt) => {
				const reset = new Date(now.getTime() + resetIn * 1000).toISOString();
				expect(rateLimitWait({ 'retry-after': String(seconds), 'x-ratelimit-reset': reset }, attempt, now)).toMatchObject({
					ms: seconds * 1000,
					source: 'retry-after',
				});
				expect(rateLimitWait({ 'x-ratelimit-reset': reset }, attempt, now)).toMatchObject({ ms: resetIn * 1000, source: 'x-ratelimit-reset' });
				expect(rateLimitWait({ 'retry-after': 'later', 'x-ratelimit-reset': 'later' }, attempt, now).source).toBe('backoff');
			}),
			{ numRuns: RUNS },
		);
	});

	it('a time in the past means "now" (0), never a negative wait', () => {
		fc.assert(
			fc.property(nowArb, fc.integer({ min: 1, max: 10 * 365 * 86400 }), (now, ago) => {
				const past = new Date(now.getTime() - ago * 1000);
				expect(rateLimitWait({ 'retry-after': past.toUTCString() }, 0, now).ms).toBe(0);
				expect(rateLimitWait({ 'x-ratelimit-reset': past.toISOString() }, 0, now).ms).toBe(0);
				expect(rateLimitWait({ 'x-ratelimit-reset': String(Math.floor(past.getTime() / 1000)) }, 0, now).ms).toBe(0);
			}),
			{ numRuns: RUNS },
		);
	});

	// A Retry-After (or epoch X-RateLimit-Reset) beyond what a Date holds gives an
	// Infinity or an Invalid Date `retryAt`; the transport's "retry in N seconds (at …)"
	// then throws RangeError "Invalid time value", and the item fails with that text and
	// no provider code. Seen end to end in test/faults (Retry-After: 99999999999999999999).
	it('gives a finite wait and a valid retryAt for an absurdly large Retry-After', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[1-9][0-9]{16,30}$/), (value) => {
				const wait = rateLimitWait({ 'retry-after': value }, 0, new Date('2026-11-22T12:00:00Z'));
				expect(Number.isFinite(wait.ms)).toBe(true);
				expect(Number.isNaN(wait.retryAt?.getTime() ?? 0)).toBe(false);
			}),
			{ numRuns: 20 },
		);
	});
});

describe('backoffMs', () => {
	it('is 1 s × 2^attempt within ±20 %, never negative', () => {
		fc.assert(
			fc.property(attemptArb, randomArb, (attempt, random) => {
				const ms = backoffMs(attempt, () => random);
				expect(ms).toBeGreaterThanOrEqual(Math.floor(1000 * 2 ** attempt * 0.8));
				expect(ms).toBeLessThanOrEqual(Math.ceil(1000 * 2 ** attempt * 1.2));
			}),
			{ numRuns: RUNS },
		);
	});
});
