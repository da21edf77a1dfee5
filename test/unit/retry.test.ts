import type { RetryHistory } from '../../nodes/shared/retry';
import { backoffMs, decideRetry, rateLimitWait } from '../../nodes/shared/retry';

const now = new Date('2026-11-22T12:00:00.000Z');
const noJitter = () => 0.5;

describe('rateLimitWait', () => {
	it('reads Retry-After seconds', () => {
		expect(rateLimitWait({ 'retry-after': '7' }, 0, now)).toEqual({
			ms: 7000,
			source: 'retry-after',
			retryAt: new Date('2026-11-22T12:00:07.000Z'),
		});
	});

	it('reads Retry-After as an HTTP date', () => {
		const wait = rateLimitWait({ 'retry-after': 'Sun, 22 Nov 2026 12:00:30 GMT' }, 0, now);
		expect(wait).toMatchObject({ ms: 30_000, source: 'retry-after' });
	});

	it('never waits a negative time for a date in the past', () => {
		expect(rateLimitWait({ 'retry-after': 'Sun, 22 Nov 2026 11:00:00 GMT' }, 0, now).ms).toBe(0);
	});

	it('prefers Retry-After over X-RateLimit-Reset', () => {
		const wait = rateLimitWait({ 'retry-after': '2', 'x-ratelimit-reset': '2026-11-22T12:05:00.000Z' }, 0, now);
		expect(wait.source).toBe('retry-after');
	});

	it('reads X-RateLimit-Reset as an ISO time (HostUp) or epoch seconds', () => {
		expect(rateLimitWait({ 'x-ratelimit-reset': '2026-11-22T12:01:00.000Z' }, 0, now)).toMatchObject({
			ms: 60_000,
			source: 'x-ratelimit-reset',
		});
		const epoch = String(now.getTime() / 1000 + 15);
		expect(rateLimitWait({ 'x-ratelimit-reset': epoch }, 0, now).ms).toBe(15_000);
	});

	it('ignores unreadable headers and backs off exponentially from 1 s', () => {
		expect(rateLimitWait({ 'retry-after': 'soon', 'x-ratelimit-reset': 'later' }, 0, now, noJitter)).toEqual({
			ms: 1000,
			source: 'backoff',
		});
		expect(rateLimitWait({}, 2, now, noJitter).ms).toBe(4000);
	});
});

describe('backoffMs', () => {
	it('doubles per attempt with ±20 % jitter', () => {
		expect(backoffMs(0, () => 0)).toBe(800);
		expect(backoffMs(0, () => 1)).toBe(1200);
		expect(backoffMs(3, noJitter)).toBe(8000);
	});
});

describe('decideRetry: whether to send again, and when', () => {
	const policy = { maxRetries: 3, maxWaitSeconds: 60, timeoutMs: 30_000 };
	const failure = { provider: { id: 'test', displayName: 'Test' }, code: 'rate_limit_exceeded', httpCode: 429, message: 'Too many requests.' };
	const t = now.getTime();
	const fresh = { since: t, refusals: 0, retries: 0 };
	const refused = (seconds: number) => ({ kind: 'refused' as const, failure, wait: { ms: seconds * 1000, source: 'retry-after' as const, retryAt: new Date(t + seconds * 1000) } });

	it('a success is done', () => {
		expect(decideRetry({ kind: 'success' }, fresh, t, policy, true)).toEqual({ kind: 'done' });
	});

	it('a 429 is retried after its wait while Max Retry Wait, counted from the first 429, allows', () => {
		const first = decideRetry(refused(20), fresh, t, policy, false);
		expect(first).toEqual({ kind: 'retry', waitMs: 20_000, history: { since: t, firstRefusedAt: t, refusals: 1, retries: 0 } });
		const second = decideRetry(refused(20), (first as { history: RetryHistory }).history, t + 20_000, policy, false);
		expect(second).toMatchObject({ kind: 'retry', waitMs: 20_000 });
		const third = decideRetry(refused(30), (second as { history: RetryHistory }).history, t + 40_000, policy, false);
		expect(third).toMatchObject({ kind: 'fail', failure: { message: expect.stringMatching(/Still rate-limited after waiting 40 seconds$/) } });
	});

	it('a first 429 that asks longer than Max Retry Wait fails at once, saying when to retry', () => {
		expect(decideRetry(refused(3600), fresh, t, policy, false)).toMatchObject({
			kind: 'fail',
			failure: { message: 'Too many requests. Retry in 3600 seconds (at 2026-11-22T13:00:00.000Z)', httpCode: 429 },
		});
	});

	it('a read is retried after a 502/503/504 or network error, Max Retries times with backoff; a mint never', () => {
		const failed = { kind: 'failed' as const, failure: { ...failure, httpCode: 503 }, retryable: true };
		let history: RetryHistory = fresh;
		const waits: number[] = [];
		for (;;) {
			const decision = decideRetry(failed, history, t, policy, true, noJitter);
			if (decision.kind !== 'retry') {
				expect(decision).toEqual({ kind: 'fail', failure: failed.failure });
				break;
			}
			waits.push(decision.waitMs);
			history = decision.history;
		}
		expect(waits).toEqual([1000, 2000, 4000]);
		expect(decideRetry(failed, fresh, t, policy, false)).toEqual({ kind: 'fail', failure: failed.failure });
		expect(decideRetry({ ...failed, retryable: false }, fresh, t, policy, true)).toEqual({ kind: 'fail', failure: failed.failure });
	});
});
