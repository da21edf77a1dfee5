/**
 * Queue mode in miniature: n8n workers each have their own traffic controller
 * (nodes/shared/traffic.ts), and all of them spend one provider limit. A
 * simulated provider (a sliding one-second window, 429 with Retry-After: 1
 * and X-RateLimit-* headers, as HostUp answers and as the sandbox plays it)
 * and an injected clock that jumps from event to event, so a 20-second burst
 * takes milliseconds and every run is the same.
 */
import type { ProviderFailure } from '../../nodes/shared/errors';
import type { Answer, Clock } from '../../nodes/shared/gate';
import { Gate, SAAS_API } from '../../nodes/shared/gate';

const REFUSED: ProviderFailure = { provider: { id: 'test', displayName: 'Test' }, code: 'rate_limited', httpCode: 429, message: 'Too many requests' };

/** A clock that runs timers in time order; `random` is a fixed sequence, so runs repeat. */
class EventClock implements Clock {
	private time = 1_000_000;

	private timers: Array<{ at: number; order: number; fire: () => void }> = [];

	private order = 0;

	private seed = 0.37;

	now(): number {
		return this.time;
	}

	random(): number {
		this.seed = ((this.seed * 9301 + 49297) % 233280) / 233280;
		return this.seed;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		signal?.throwIfAborted();
		await new Promise<void>((resolve, reject) => {
			const timer = this.at(this.time + ms, resolve);
			signal?.addEventListener('abort', () => {
				this.timers = this.timers.filter((entry) => entry !== timer);
				reject(signal.reason);
			});
		});
	}

	at(at: number, fire: () => void) {
		const timer = { at, order: this.order++, fire };
		this.timers.push(timer);
		return timer;
	}

	async runUntil(end: number): Promise<void> {
		for (;;) {
			for (let index = 0; index < 20; index++) await Promise.resolve();
			this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
			const next = this.timers[0];
			if (!next || next.at > end) return;
			this.timers.shift();
			this.time = Math.max(this.time, next.at);
			next.fire();
		}
	}
}

const LIMIT = 20;
const LATENCY_MS = 50;
const BURST = 200;

interface Burst {
	/** First arrival to last link. */
	ms: number;
	links: number;
	requests: number;
}

/**
 * BURST executions of one item each arrive over `arrivalMs`, each on a worker
 * picked by `shares`; each takes its turn from its worker's controller, and a
 * refused one asks again with its first time (as transport.ts does).
 */
async function burst(clock: EventClock, workers: Gate[], shares: number[], arrivalMs: number): Promise<Burst> {
	const start = clock.now();
	const acceptedAt: number[] = [];
	let requests = 0;
	let links = 0;
	let lastLinkAt = start;
	const provider = (): Answer => {
		const now = clock.now();
		while (acceptedAt.length > 0 && acceptedAt[0] <= now - 1000) acceptedAt.shift();
		requests++;
		if (acceptedAt.length >= LIMIT) {
			return { refusal: { until: now + 1000, said: REFUSED }, hint: { limit: LIMIT, remaining: 0, resetAt: acceptedAt[0] + 1000 } };
		}
		acceptedAt.push(now);
		return {};
	};
	const execution = async (gate: Gate) => {
		const since = clock.now();
		for (;;) {
			const permit = await gate.acquire({ since, patienceMs: 60_000 });
			await clock.sleep(LATENCY_MS / 2);
			const report = provider();
			await clock.sleep(LATENCY_MS / 2);
			permit.done(report);
			if (!report.refusal) break;
		}
		links++;
		lastLinkAt = clock.now();
	};
	for (let index = 0; index < BURST; index++) {
		// Spread by the golden ratio: the shares hold over any stretch of the burst.
		const spot = (index * 0.618) % 1;
		let worker = 0;
		for (let sum = shares[0]; worker < shares.length - 1 && spot >= sum; sum += shares[++worker]);
		clock.at(start + (index * arrivalMs) / BURST, () => void execution(workers[worker]));
	}
	await clock.runUntil(start + 120_000);
	return { ms: lastLinkAt - start, links, requests };
}

describe('queue-mode workers sharing one provider limit (20/s, 200 executions)', () => {
	const cases = [
		{ shares: [1], arrivalMs: 0 },
		{ shares: [1], arrivalMs: 6000 },
		{ shares: [0.5, 0.5], arrivalMs: 0 },
		{ shares: [0.5, 0.5], arrivalMs: 3000 },
		{ shares: [0.5, 0.5], arrivalMs: 6000 },
		{ shares: [0.65, 0.35], arrivalMs: 0 },
		{ shares: [0.65, 0.35], arrivalMs: 3000 },
		{ shares: [0.65, 0.35], arrivalMs: 6000 },
	];

	it.each(cases)('$shares of the executions per worker, arriving over $arrivalMs ms: three bursts in a row, each all links within 13 s', async ({ shares, arrivalMs }) => {
		const clock = new EventClock();
		const workers = shares.map(() => new Gate(SAAS_API, clock));
		// The controllers live on between bursts, as in a running worker.
		const bursts: Burst[] = [];
		for (let round = 0; round < 3; round++) {
			bursts.push(await burst(clock, workers, shares, arrivalMs));
			// A quiet spell between bursts (the bench waits for n8n between them).
			await clock.runUntil(clock.now() + 10_000);
		}
		for (const each of bursts) {
			expect(each.links).toBe(BURST);
			// The limit alone makes 200 take 9-10 s.
			expect(each.ms).toBeLessThanOrEqual(13_000);
		}
		// One worker knows the whole limit after its first burst: no refusal after that.
		if (shares.length === 1) expect(bursts.slice(1).map((each) => each.requests)).toEqual([BURST, BURST]);
	});
});
