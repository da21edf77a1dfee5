import { backoffMs, rateLimitWait } from '../../nodes/shared/retry';

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
