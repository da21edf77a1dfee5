/**
 * The bench's burst floor (test/bench/floor.ts): the soonest any client could
 * answer a burst's executions under a limit, given when n8n started them.
 * The bench judges the burst targets against it, so a wrong floor would pass
 * or fail the package for the wrong reason.
 */
import { limitFloorMs } from '../bench/floor';

const LIMIT = { perSecond: 20, latencyMs: 50 };

describe('limitFloorMs', () => {
	it('is the limit alone when every execution starts at once: 200 at 20/s send their last 20 after 9 s', () => {
		expect(limitFloorMs(Array.from({ length: 200 }, () => 0), LIMIT)).toBe(9050);
	});

	it('is the last start when n8n starts executions slower than the limit', () => {
		// One every 100 ms (10/s): the window never fills, each goes at its start.
		const starts = Array.from({ length: 50 }, (_, index) => index * 100);
		expect(limitFloorMs(starts, LIMIT)).toBe(4900 + 50);
	});

	it('cannot make up a second in which nothing started: 13 early, 187 after 9 s, take 9 s plus 187 at the limit', () => {
		const early = Array.from({ length: 13 }, (_, index) => index * 600);
		const late = Array.from({ length: 187 }, () => 9000);
		// 187 from 9 s: 9 full windows of 20 (the last of them sends at 17 s), then 7 at 18 s.
		expect(limitFloorMs([...late, ...early], LIMIT)).toBe(18_000 + 50);
	});

	it('counts a sliding second: 20 at 0.5 s hold the next until 1.5 s', () => {
		const starts = [...Array.from({ length: 20 }, () => 500), 600];
		expect(limitFloorMs(starts, LIMIT)).toBe(1500 + 50);
	});

	it('does not depend on the order n8n reports the starts in', () => {
		const starts = Array.from({ length: 120 }, (_, index) => (index * 37) % 4000);
		expect(limitFloorMs([...starts].reverse(), LIMIT)).toBe(limitFloorMs(starts, LIMIT));
	});
});
