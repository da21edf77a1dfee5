/**
 * The pace (nodes/shared/pace.ts): no clock of its own, so each rule is a
 * call with times and a look at when the next request may go.
 */
import { Pace } from '../../nodes/shared/pace';

const T = 1_000_000;

/** Sends `count` requests at `at` and answers them with nothing to say. */
function sendMany(pace: Pace, count: number, at: number): number[] {
	return Array.from({ length: count }, () => pace.sent(at));
}

it('says nothing until the provider does: every request may go', () => {
	const pace = new Pace();
	sendMany(pace, 500, T);
	expect(pace.nextSendAt(T)).toEqual({ at: T });
});

it('a documented limit (MailUp: 5 calls/s) paces from the first request', () => {
	const pace = new Pace({ requests: 5, perMs: 1000 });
	sendMany(pace, 4, T).forEach((seq) => pace.answered(seq, T + 20, undefined));
	expect(pace.nextSendAt(T + 20)).toEqual({ at: T + 20 });
	pace.answered(pace.sent(T + 20), T + 40, undefined);
	const next = pace.nextSendAt(T + 40);
	expect(next.reason).toBe('pace');
	expect(next.at).toBeGreaterThan(T + 20 + 1000);
	expect(next.at).toBeLessThanOrEqual(T + 20 + 1100);
});

it('under a documented limit a request counts until its answer: a late arrival cannot crowd the next window', () => {
	const pace = new Pace({ requests: 5, perMs: 1000 });
	const seqs = sendMany(pace, 5, T);
	// All five in flight: nothing goes before an answer, whatever the clock says.
	expect(pace.nextSendAt(T + 5000).reason).toBe('pace');
	expect(pace.nextSendAt(T + 5000).at).toBeGreaterThan(T + 5000);
	// Four answered at once, one 400 ms late (it may have reached the provider just then).
	seqs.slice(0, 4).forEach((seq) => pace.answered(seq, T + 10, undefined));
	pace.answered(seqs[4], T + 400, undefined);
	// Only the four answered first have left the window by then: four may go, the fifth waits for the late one.
	expect(pace.nextSendAt(T + 1100)).toEqual({ at: T + 1100 });
	pace.answered(pace.sent(T + 1100), T + 1110, undefined);
	sendMany(pace, 3, T + 1110).forEach((seq) => pace.answered(seq, T + 1120, undefined));
	const next = pace.nextSendAt(T + 1120);
	expect(next.reason).toBe('pace');
	expect(next.at).toBeGreaterThan(T + 400 + 1000);
});

it('a documented limit is not lowered by a 429 nor raised by headers', () => {
	const pace = new Pace({ requests: 5, perMs: 1000 });
	const [seq] = sendMany(pace, 1, T);
	pace.answered(seq, T + 10, { limit: 50 }, T + 1010);
	expect(pace.current?.requests).toBe(5);
});

it('a 429 pauses until its retry time however long; a paced 429 that says when the window frees holds only until then', () => {
	const pace = new Pace();
	const [first] = sendMany(pace, 1, T);
	pace.answered(first, T, undefined, T + 3_600_000);
	expect(pace.nextSendAt(T + 1)).toEqual({ at: T + 3_600_000, reason: 'pause' });

	const paced = new Pace();
	const [a] = sendMany(paced, 1, T);
	paced.answered(a, T, { limit: 20 });
	const [b] = sendMany(paced, 1, T + 100);
	paced.answered(b, T + 100, { limit: 20, remaining: 0, resetAt: T + 600 }, T + 1100);
	expect(paced.nextSendAt(T + 101).at).toBeLessThanOrEqual(T + 700);
});

it('X-RateLimit-Limit sets the pace: per second, or per window when the reset is further', () => {
	const perSecond = new Pace();
	perSecond.answered(perSecond.sent(T), T, { limit: 20, resetAt: T + 1000 });
	expect(perSecond.current).toEqual({ requests: 20, perMs: 1050 });
	const perMinute = new Pace();
	perMinute.answered(perMinute.sent(T), T, { limit: 100, resetAt: T + 60_000 });
	expect(perMinute.current).toEqual({ requests: 100, perMs: 60_050 });
});

it('X-RateLimit-Remaining and -Reset are a budget; requests sent after the answer come off it', () => {
	const pace = new Pace();
	const [seq] = sendMany(pace, 1, T);
	sendMany(pace, 2, T + 5);
	pace.answered(seq, T + 10, { remaining: 3, resetAt: T + 60_000 });
	// 3 remaining as of the first answer, 2 already sent since: one more.
	expect(pace.nextSendAt(T + 20)).toEqual({ at: T + 20 });
	pace.sent(T + 20);
	expect(pace.nextSendAt(T + 21)).toEqual({ at: T + 60_050, reason: 'budget' });
	// An answer to an earlier request does not overwrite the budget a later one gave.
	pace.answered(2, T + 30, { remaining: 0, resetAt: T + 60_000 });
	pace.answered(1, T + 31, { remaining: 100, resetAt: T + 60_000 });
	expect(pace.nextSendAt(T + 32).reason).toBe('budget');
	// After the reset the budget is gone.
	expect(pace.nextSendAt(T + 60_001)).toEqual({ at: T + 60_001 });
});

it('a 429 while paced lowers the pace by a fifth, once per change; after each quiet window it climbs halfway back, never above the limit', () => {
	const pace = new Pace();
	pace.answered(pace.sent(T), T, { limit: 20, resetAt: T + 1000 });
	const refused = sendMany(pace, 3, T + 100);
	for (const seq of refused) pace.answered(seq, T + 200, { limit: 20 }, T + 1200);
	expect(pace.current?.requests).toBe(16);
	const after = pace.sent(T + 1300);
	pace.answered(after, T + 1400, { limit: 20 }, T + 2400);
	expect(pace.current?.requests).toBe(12);
	// Quiet windows: 12 → 16 → 18 → 19 → 20, and no further.
	const seen: number[] = [];
	for (let window = 1; window <= 5; window++) {
		pace.nextSendAt(T + 2400 + window * 1100);
		seen.push(pace.current?.requests as number);
	}
	expect(seen).toEqual([16, 18, 19, 20, 20]);
});

it('without a limit in the headers there is no pace to lower: a 429 only pauses', () => {
	const pace = new Pace();
	pace.answered(pace.sent(T), T, undefined, T + 1000);
	expect(pace.current).toBeUndefined();
	sendMany(pace, 100, T + 1000);
	expect(pace.nextSendAt(T + 1000)).toEqual({ at: T + 1000 });
});
