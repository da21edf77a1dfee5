/**
 * The traffic controller (nodes/shared/traffic.ts) with an injected clock:
 * time moves only when a test says so, so every wait is exact.
 */
import { getEventListeners } from 'node:events';

import { parseResetTime, readRateLimitHint } from '../../nodes/shared/retry';
import type { Clock, Permit, Report, TrafficProfile } from '../../nodes/shared/traffic';
import { CUSTOMER_SERVER, SAAS_API, SYSTEM_CLOCK, TrafficController, TrafficControllers, WaitTooLong } from '../../nodes/shared/traffic';

class FakeClock implements Clock {
	private time = 1_000_000;

	private timers: Array<{ at: number; resolve: () => void }> = [];

	/** What random() returns; tests set it to check jitter bounds. */
	randomValue = 0;

	now(): number {
		return this.time;
	}

	random(): number {
		return this.randomValue;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		signal?.throwIfAborted();
		await new Promise<void>((resolve, reject) => {
			const timer = { at: this.time + ms, resolve };
			this.timers.push(timer);
			signal?.addEventListener('abort', () => {
				this.timers = this.timers.filter((entry) => entry !== timer);
				reject(signal.reason);
			});
		});
	}

	/** Moves time forward, firing due timers in order and letting their callbacks run. */
	async advance(ms: number): Promise<void> {
		const end = this.time + ms;
		for (;;) {
			await settle();
			const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
			if (!due) break;
			this.time = Math.max(this.time, due.at);
			this.timers = this.timers.filter((timer) => timer !== due);
			due.resolve();
		}
		this.time = end;
		await settle();
	}
}

async function settle(): Promise<void> {
	for (let index = 0; index < 10; index++) await Promise.resolve();
}

/** Callers that ask for a permit and keep it until the test reports an outcome. */
class Callers {
	readonly granted: Array<{ id: number; at: number; permit: Permit }> = [];

	readonly rejected: Array<{ id: number; error: unknown }> = [];

	constructor(
		private readonly controller: TrafficController,
		private readonly clock: FakeClock,
	) {}

	private nextId = 0;

	ask(count: number, options: Parameters<TrafficController['acquire']>[0] = {}, firstId = this.nextId): number[] {
		this.nextId = firstId + count;
		const ids = Array.from({ length: count }, (_, index) => firstId + index);
		for (const id of ids) {
			this.controller.acquire(options).then(
				(permit) => this.granted.push({ id, at: this.clock.now(), permit }),
				(error) => this.rejected.push({ id, error }),
			);
		}
		return ids;
	}

	/** Reports `report` for every granted permit not reported yet. */
	answerAll(report: Report): number {
		let answered = 0;
		for (const entry of this.granted) {
			if ((entry as { answered?: boolean }).answered) continue;
			(entry as { answered?: boolean }).answered = true;
			entry.permit.done(report);
			answered++;
		}
		return answered;
	}
}

function setup(profile: TrafficProfile = SAAS_API) {
	const clock = new FakeClock();
	const controller = new TrafficController(profile, clock);
	return { clock, controller, callers: new Callers(controller, clock) };
}

const success: Report = { outcome: 'success' };

describe('probe round', () => {
	it('sends the initial window together, then opens up once none was refused', async () => {
		const { clock, controller, callers } = setup();
		callers.ask(SAAS_API.initialWindow + 120);
		await settle();
		expect(callers.granted).toHaveLength(SAAS_API.initialWindow);
		await clock.advance(50);
		callers.answerAll(success);
		await settle();
		expect(callers.granted).toHaveLength(SAAS_API.initialWindow + 120);
		expect(controller.pace).toBeUndefined();
	});

	it('never has more than the profile allows in flight: a customer server gets 6', async () => {
		const { clock, controller, callers } = setup(CUSTOMER_SERVER);
		callers.ask(20);
		for (let round = 0; round < 10; round++) {
			await settle();
			expect(controller.requestsInFlight).toBeLessThanOrEqual(6);
			await clock.advance(10);
			callers.answerAll(success);
		}
		await settle();
		expect(callers.granted).toHaveLength(20);
	});

	it("a caller's own cap (Request Options) counts everyone's requests in flight", async () => {
		const { clock, controller, callers } = setup(CUSTOMER_SERVER);
		callers.ask(4);
		await settle();
		callers.ask(10, { maxInFlight: 8 });
		await settle();
		expect(controller.requestsInFlight).toBe(6);
		await clock.advance(1);
		callers.answerAll(success);
		await settle();
		expect(controller.requestsInFlight).toBe(8);
	});
});

describe('pacing after a 429', () => {
	it('pauses everyone until the retry time, then paces at the rate the provider accepted', async () => {
		const { clock, controller, callers } = setup({ ...SAAS_API, initialWindow: 50 });
		callers.ask(200);
		await settle();
		expect(callers.granted).toHaveLength(50);
		await clock.advance(50);
		// The provider took 20 and refused 30, asking to come back in a second.
		callers.granted.slice(0, 20).forEach((entry) => entry.permit.done(success));
		const retryAt = clock.now() + 1000;
		callers.granted.slice(20, 50).forEach((entry) => entry.permit.done({ outcome: 'rateLimited', retryAt }));
		await settle();
		expect(controller.pace).toEqual({ requests: 20, perMs: 1050 });
		await clock.advance(999);
		expect(callers.granted).toHaveLength(50);
		await clock.advance(1);
		expect(callers.granted).toHaveLength(70);
		callers.answerAll(success);
		await clock.advance(1000);
		expect(callers.granted).toHaveLength(70);
		await clock.advance(60);
		expect(callers.granted).toHaveLength(90);
	});

	it('the pause ends with jitter of at most a fifth of the wait, and never before the retry time', async () => {
		for (const [random, expectedEnd] of [
			[0, 2000],
			[0.999, 2399],
		] as const) {
			const { clock, callers } = setup();
			callers.ask(1);
			await settle();
			const start = clock.now();
			clock.randomValue = random;
			callers.granted[0].permit.done({ outcome: 'rateLimited', retryAt: start + 2000 });
			callers.ask(1);
			await clock.advance(expectedEnd - 1);
			expect(callers.granted).toHaveLength(1);
			await clock.advance(2);
			expect(callers.granted).toHaveLength(2);
		}
	});

	it('jitter is capped at one second for long waits', async () => {
		const { clock, callers } = setup();
		clock.randomValue = 0.999;
		callers.ask(1);
		await settle();
		callers.granted[0].permit.done({ outcome: 'rateLimited', retryAt: clock.now() + 30_000 });
		callers.ask(1);
		await clock.advance(30_998);
		expect(callers.granted).toHaveLength(1);
		await clock.advance(1);
		expect(callers.granted).toHaveLength(2);
	});

	it('a later 429 while paced lowers the pace by a fifth; after each quiet window it climbs halfway back, never above the header limit', async () => {
		const { clock, controller, callers } = setup();
		callers.ask(1);
		await settle();
		callers.answerAll({ outcome: 'rateLimited', retryAt: clock.now() + 100, hint: { limit: 20 } });
		expect(controller.pace?.requests).toBe(20);
		// Someone else spends the limit too: each later refusal takes a fifth off.
		const paces: Array<number | undefined> = [];
		for (let refusal = 0; refusal < 4; refusal++) {
			await clock.advance(200);
			callers.ask(1);
			await settle();
			callers.answerAll({ outcome: 'rateLimited', retryAt: clock.now() + 100 });
			paces.push(controller.pace?.requests);
		}
		expect(paces).toEqual([16, 12, 9, 7]);
		// Quiet again (the others are done): 7 → 14 → 17 → 19 → 20, one step per quiet window.
		paces.length = 0;
		for (let window = 0; window < 12; window++) {
			await clock.advance(1075);
			callers.ask(1);
			await settle();
			callers.answerAll(success);
			paces.push(controller.pace?.requests);
		}
		expect(paces).toEqual([14, 17, 19, 20, 20, 20, 20, 20, 20, 20, 20, 20]);
	});

	it('once paced, a 429 holds the others only until the provider says its window frees, not for the retry time', async () => {
		const { clock, controller, callers } = setup();
		callers.ask(1);
		await settle();
		// The first refusal: nothing known yet, so everyone waits the retry time.
		callers.answerAll({ outcome: 'rateLimited', retryAt: clock.now() + 1000, hint: { limit: 20, remaining: 0, resetAt: clock.now() + 1000 } });
		callers.ask(1);
		await clock.advance(999);
		expect(callers.granted).toHaveLength(1);
		await clock.advance(1);
		expect(callers.granted).toHaveLength(2);
		// Paced now: another worker spent the window, which frees a slot in 150 ms.
		await clock.advance(500);
		callers.answerAll({ outcome: 'rateLimited', retryAt: clock.now() + 1000, hint: { limit: 20, remaining: 0, resetAt: clock.now() + 150 } });
		expect(controller.pace?.requests).toBe(16);
		callers.ask(1);
		await clock.advance(149);
		expect(callers.granted).toHaveLength(2);
		await clock.advance(51);
		expect(callers.granted).toHaveLength(3);
	});

	it('without a header limit, a learned pace grows by a tenth after 30 quiet seconds', async () => {
		const { clock, controller, callers } = setup({ maxInFlight: 50, initialWindow: 3 });
		callers.ask(3);
		await settle();
		callers.granted[0].permit.done(success);
		callers.granted[1].permit.done(success);
		callers.granted[2].permit.done({ outcome: 'rateLimited', retryAt: clock.now() + 100 });
		expect(controller.pace?.requests).toBe(2);
		await clock.advance(40_000);
		callers.ask(1);
		await settle();
		expect(controller.pace?.requests).toBe(3);
	});

	it('a documented limit (MailUp: 5 calls/s) paces from the first request', async () => {
		const { clock, callers } = setup({ ...SAAS_API, documentedRate: { requests: 5, perMs: 1000 } });
		callers.ask(12);
		await settle();
		expect(callers.granted).toHaveLength(5);
		callers.answerAll(success);
		await clock.advance(1050);
		expect(callers.granted).toHaveLength(5);
		await clock.advance(1);
		expect(callers.granted).toHaveLength(10);
	});
});

describe('rate-limit headers', () => {
	it('X-RateLimit-Remaining and -Reset on a success are a budget before the first refusal', async () => {
		const { clock, callers } = setup();
		callers.ask(1);
		await settle();
		const resetAt = clock.now() + 1000;
		callers.answerAll({ outcome: 'success', hint: { remaining: 3, resetAt } });
		callers.ask(10);
		await settle();
		expect(callers.granted).toHaveLength(4);
		await clock.advance(1000 + 50);
		expect(callers.granted.length).toBeGreaterThan(4);
	});

	it('requests sent after the answer are taken off the budget', async () => {
		const { clock, controller, callers } = setup();
		callers.ask(3);
		await settle();
		// The first answer says 5 remain; the other two requests were sent after it was counted.
		callers.granted[0].permit.done({ outcome: 'success', hint: { remaining: 5, resetAt: clock.now() + 1000 } });
		callers.ask(10);
		await settle();
		expect(controller.requestsInFlight).toBe(2 + 3);
	});

	it('X-RateLimit-Limit sets the pace: per second, or per window when the reset is further', async () => {
		const perSecond = setup();
		perSecond.callers.ask(1);
		await settle();
		perSecond.callers.answerAll({ outcome: 'success', hint: { limit: 20, remaining: 19, resetAt: perSecond.clock.now() + 400 } });
		expect(perSecond.controller.pace).toEqual({ requests: 20, perMs: 1050 });

		const perMinute = setup();
		perMinute.callers.ask(1);
		await settle();
		perMinute.callers.answerAll({ outcome: 'success', hint: { limit: 600, remaining: 599, resetAt: perMinute.clock.now() + 59_500 } });
		expect(perMinute.controller.pace).toEqual({ requests: 600, perMs: 60_050 });
	});

	it('reads X-RateLimit-Reset as delta seconds, epoch seconds or a date', () => {
		const now = Date.parse('2026-11-26T12:00:00Z');
		expect(parseResetTime('60', now)).toBe(now + 60_000);
		expect(parseResetTime('12345678', now)).toBe(now + 12_345_678_000);
		expect(parseResetTime('1795089600', now)).toBe(1_795_089_600_000);
		expect(parseResetTime('2026-11-26T12:00:05Z', now)).toBe(now + 5000);
		expect(parseResetTime('soon', now)).toBeUndefined();
		expect(readRateLimitHint({ 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }, now)).toEqual({
			limit: 20,
			remaining: 0,
			resetAt: now + 1000,
		});
		expect(readRateLimitHint({ 'x-ratelimit-limit': 'many' }, now)).toBeUndefined();
	});
});

describe('waiting, cancelling and deadlines', () => {
	it('serves the oldest caller first: a retry keeps its place', async () => {
		const { clock, callers } = setup({ maxInFlight: 1, initialWindow: 1 });
		callers.ask(1);
		await settle();
		callers.ask(1, { since: clock.now() + 10 }, 100);
		callers.ask(1, { since: clock.now() - 5 }, 200);
		await settle();
		callers.answerAll(success);
		await settle();
		expect(callers.granted.map((entry) => entry.id)).toEqual([0, 200]);
	});

	it('an aborted signal rejects at once and later acquires too, with its reason', async () => {
		const { controller } = setup();
		const stop = new AbortController();
		stop.abort(new Error('run stopped'));
		await expect(controller.acquire({ signal: stop.signal })).rejects.toThrow('run stopped');
		await expect(controller.acquire({ signal: stop.signal })).rejects.toThrow('run stopped');
	});

	it('aborting a waiting caller rejects it and lets the next one through', async () => {
		const { clock, callers } = setup({ maxInFlight: 1, initialWindow: 1 });
		const stop = new AbortController();
		callers.ask(1, {}, 0);
		callers.ask(1, { signal: stop.signal }, 1);
		callers.ask(1, {}, 2);
		await settle();
		stop.abort(new Error('cancelled'));
		await settle();
		expect(callers.rejected.map((entry) => entry.id)).toEqual([1]);
		callers.answerAll(success);
		await clock.advance(1);
		expect(callers.granted.map((entry) => entry.id)).toEqual([0, 2]);
	});

	it('removes its abort listener once granted', async () => {
		const { controller } = setup();
		const signal = new AbortController().signal;
		for (let index = 0; index < 5; index++) (await controller.acquire({ signal })).done(success);
		expect(getEventListeners(signal, 'abort')).toHaveLength(0);
	});

	it('a permit counts once, however often it is reported', async () => {
		const { controller } = setup({ maxInFlight: 2, initialWindow: 2 });
		const permit = await controller.acquire();
		const other = await controller.acquire();
		permit.done(success);
		permit.done(success);
		expect(controller.requestsInFlight).toBe(1);
		other.done(success);
		expect(controller.idle).toBe(true);
	});

	it('a pause that outlasts a deadline rejects with WaitTooLong at once, saying until when', async () => {
		const { clock, controller, callers } = setup();
		callers.ask(1);
		await settle();
		callers.answerAll({ outcome: 'rateLimited', retryAt: clock.now() + 10_000 });
		const error = await controller.acquire({ deadline: clock.now() + 5000 }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(WaitTooLong);
		expect((error as WaitTooLong).until).toBeGreaterThanOrEqual(clock.now() + 10_000);
	});

	it('a caller still waiting at its deadline is rejected then', async () => {
		const { clock, callers } = setup({ maxInFlight: 1, initialWindow: 1 });
		callers.ask(1);
		callers.ask(1, { deadline: clock.now() + 3000 });
		await clock.advance(2999);
		expect(callers.rejected).toHaveLength(0);
		await clock.advance(1);
		expect(callers.rejected.map((entry) => entry.error)).toEqual([expect.any(WaitTooLong)]);
	});

	it('keeps only the last window of send times, paced or not', async () => {
		const { clock, controller } = setup();
		for (let index = 0; index < 500; index++) {
			(await controller.acquire()).done(success);
			await clock.advance(100);
		}
		const sendTimes = (controller as unknown as { sendTimes: number[] }).sendTimes;
		expect(sendTimes.length).toBeLessThanOrEqual(11);
	});
});

describe('many executions at once', () => {
	it('300 callers from 300 executions share one controller: the limit is found once', async () => {
		const clock = new FakeClock();
		const registry = new TrafficControllers(clock);
		const callers = new Callers(registry.for('hostup key-a', SAAS_API), clock);
		// Each execution asks the registry on its own, as the transport does.
		for (let execution = 0; execution < 300; execution++) {
			new Callers(registry.for('hostup key-a', SAAS_API), clock).ask(0);
			callers.ask(1);
		}
		await settle();
		expect(registry.size).toBe(1);
		// The probe: the first 200 go at once (SAAS_API.initialWindow), the rest wait for their answers.
		expect(callers.granted).toHaveLength(SAAS_API.initialWindow);
		// A provider that takes 20 per second: simulate until everyone got through.
		let accepted = 0;
		let refused = 0;
		let windowStart = clock.now();
		let inWindow = 0;
		const answered = new Set<Permit>();
		while (accepted < 300 && clock.now() < 1_000_000 + 60_000) {
			await clock.advance(50);
			for (const entry of callers.granted) {
				if (answered.has(entry.permit)) continue;
				answered.add(entry.permit);
				if (clock.now() - windowStart >= 1000) {
					windowStart = clock.now();
					inWindow = 0;
				}
				if (inWindow < 20) {
					inWindow++;
					accepted++;
					entry.permit.done(success);
				} else {
					refused++;
					entry.permit.done({ outcome: 'rateLimited', retryAt: windowStart + 1000 });
					callers.ask(1, { since: 0 });
				}
			}
		}
		expect(accepted).toBe(300);
		// Only the probe round is refused (200 sent, 20 taken); after that the pace holds.
		expect(refused).toBeLessThanOrEqual(SAAS_API.initialWindow - 20);
		// 300 at 20 per second, after the first refusals' one-second pause.
		expect(clock.now() - 1_000_000).toBeLessThan(17_000);
	});

	it('controllers are per key, and one idle for ten minutes is dropped', async () => {
		const clock = new FakeClock();
		const registry = new TrafficControllers(clock);
		const first = registry.for('hostup a', SAAS_API);
		expect(registry.for('hostup a', SAAS_API)).toBe(first);
		expect(registry.for('hostup b', SAAS_API)).not.toBe(first);
		const busy = await registry.for('installatron c', CUSTOMER_SERVER).acquire();
		await clock.advance(10 * 60_000);
		registry.for('mailup d', SAAS_API);
		expect(registry.size).toBe(2);
		expect(registry.for('hostup a', SAAS_API)).not.toBe(first);
		busy.done(success);
	});
});

describe('the system clock', () => {
	it('sleeps, stops at an abort with its reason, and leaves no listeners piling up', async () => {
		const run = new AbortController();
		for (let index = 0; index < 12; index++) await SYSTEM_CLOCK.sleep(1, run.signal);
		// The one shared watcher of the signal (abort.ts), not one per sleep.
		expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
		const started = Date.now();
		const sleeping = SYSTEM_CLOCK.sleep(10_000, run.signal);
		run.abort(new Error('stopped'));
		await expect(sleeping).rejects.toThrow('stopped');
		expect(Date.now() - started).toBeLessThan(1000);
	});
});
