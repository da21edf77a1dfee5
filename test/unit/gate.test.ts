/**
 * The gate (nodes/shared/gate.ts) with an injected clock: time moves only
 * when a test says so, so every wait is exact, and the clock counts the
 * timers the gate leaves behind.
 */
import { getEventListeners } from 'node:events';

import type { ProviderFailure } from '../../nodes/shared/errors';
import type { AcquireOptions, Answer, Permit, TrafficProfile } from '../../nodes/shared/gate';
import { CUSTOMER_SERVER, Gate, Gates, NotServed, PERSON_WAIT_MS, SAAS_API, SYSTEM_CLOCK } from '../../nodes/shared/gate';
import { FakeClock, settle } from '../helpers/fake-clock';

const PATIENT: AcquireOptions = { patienceMs: 60_000 };

const REFUSED: ProviderFailure = {
	provider: { id: 'test', displayName: 'Test' },
	code: 'rate_limit_exceeded',
	httpCode: 429,
	message: 'Too many requests',
};

/** Callers that ask for a turn and keep it until the test answers. */
class Callers {
	readonly granted: Array<{ id: number; at: number; permit: Permit; answered?: boolean }> = [];

	readonly rejected: Array<{ id: number; at: number; error: unknown }> = [];

	private nextId = 0;

	constructor(
		private readonly gate: Gate,
		private readonly clock: FakeClock,
	) {}

	ask(count: number, options: Partial<AcquireOptions> = {}): number[] {
		const ids = Array.from({ length: count }, () => this.nextId++);
		for (const id of ids) {
			this.gate.acquire({ ...PATIENT, ...options }).then(
				(permit) => this.granted.push({ id, at: this.clock.now(), permit }),
				(error) => this.rejected.push({ id, at: this.clock.now(), error }),
			);
		}
		return ids;
	}

	/** Answers every turn not answered yet with `answer`. */
	answerAll(answer: Answer = {}): number {
		let count = 0;
		for (const entry of this.granted) {
			if (entry.answered) continue;
			entry.answered = true;
			entry.permit.done(answer);
			count++;
		}
		return count;
	}

	ids(): number[] {
		return this.granted.map((entry) => entry.id);
	}
}

function setup(profile: TrafficProfile = SAAS_API) {
	const clock = new FakeClock();
	const gate = new Gate(profile, clock);
	return { clock, gate, callers: new Callers(gate, clock) };
}

const refusal = (clock: FakeClock, seconds: number, hint?: Answer['hint']): Answer => ({
	refusal: { until: clock.now() + seconds * 1000, said: REFUSED },
	...(hint ? { hint } : {}),
});

describe('in flight', () => {
	it('a customer server gets 6 at once; SaaS APIs all', async () => {
		const customer = setup(CUSTOMER_SERVER);
		customer.callers.ask(20);
		await settle();
		expect(customer.callers.granted).toHaveLength(6);
		customer.callers.answerAll();
		await settle();
		expect(customer.callers.granted).toHaveLength(12);

		const saas = setup(SAAS_API);
		saas.callers.ask(2000);
		await settle();
		expect(saas.callers.granted).toHaveLength(2000);
	});

	it("a run's Max Concurrent Requests above the endpoint's cap raises it for that run, and the others are not held behind it", async () => {
		const { clock, gate, callers } = setup(CUSTOMER_SERVER);
		callers.ask(6);
		const raised = new Callers(gate, clock);
		raised.ask(10, { maxInFlight: 10 });
		await settle();
		// The endpoint's 6 went to the first callers; the raised run may have 4 more.
		expect(callers.granted).toHaveLength(6);
		expect(raised.granted).toHaveLength(4);
		expect(gate.requestsInFlight).toBe(10);
	});

	it('a serial run (Max Concurrent Requests 1) holds nobody: its cap is its own runner\'s, the endpoint keeps its cap', async () => {
		const { callers } = setup(CUSTOMER_SERVER);
		callers.ask(1, { maxInFlight: 1 });
		callers.ask(5);
		await settle();
		expect(callers.granted).toHaveLength(6);
	});
});

describe('the queue', () => {
	it('serves the oldest first: a retry keeps its place', async () => {
		const { clock, callers } = setup({ maxInFlight: 1 });
		callers.ask(1);
		await settle();
		await clock.advance(10);
		callers.ask(1);
		callers.ask(1, { since: 0 });
		callers.answerAll();
		await settle();
		expect(callers.ids()).toEqual([0, 2]);
	});

	it('a person (a resource picker) goes before every waiting run, and waits for no more than the cap', async () => {
		const { clock, callers, gate } = setup(CUSTOMER_SERVER);
		callers.ask(60);
		await settle();
		const person = new Callers(gate, clock);
		person.ask(1, { person: true, patienceMs: PERSON_WAIT_MS });
		await settle();
		expect(person.granted).toHaveLength(0);
		// The first login in flight answers: the picker is next, before 54 waiting items.
		callers.granted[0].permit.done({});
		callers.granted[0].answered = true;
		await settle();
		expect(person.granted).toHaveLength(1);
		expect(callers.granted).toHaveLength(6);
	});

	it('a permit counts once, however often it is answered', async () => {
		const { callers, gate } = setup({ maxInFlight: 2 });
		callers.ask(3);
		await settle();
		const first = callers.granted[0].permit;
		first.done({});
		first.done({});
		await settle();
		expect(gate.requestsInFlight).toBe(2);
	});
});

describe('cancelling', () => {
	it('an aborted signal rejects at once with its reason', async () => {
		const { gate } = setup();
		const signal = AbortSignal.abort(new Error('cancelled'));
		await expect(gate.acquire({ ...PATIENT, signal })).rejects.toThrow('cancelled');
	});

	it('aborting a waiting caller rejects it, lets the next through and removes its listener', async () => {
		const { gate, callers, clock } = setup({ maxInFlight: 1 });
		callers.ask(1);
		const stop = new AbortController();
		const waiting = gate.acquire({ ...PATIENT, signal: stop.signal });
		callers.ask(1);
		await settle();
		stop.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		callers.answerAll();
		await settle();
		expect(callers.ids()).toEqual([0, 1]);
		expect(gate.waiting).toBe(0);
		const granted = new AbortController();
		callers.answerAll();
		await gate.acquire({ ...PATIENT, signal: granted.signal });
		expect(getEventListeners(granted.signal, 'abort')).toHaveLength(0);
		expect(clock.pendingTimers).toBe(0);
	});
});

describe('what the provider said holds for everyone', () => {
	it('a 429 pauses everyone until its retry time, whatever its length; who cannot wait that long fails at once, with its words', async () => {
		const { clock, gate, callers } = setup();
		callers.ask(1);
		await settle();
		callers.answerAll(refusal(clock, 3600));
		// 20 more executions, one after another: none is sent.
		for (let index = 0; index < 20; index++) callers.ask(1);
		await settle();
		expect(callers.granted).toHaveLength(1);
		expect(callers.rejected).toHaveLength(20);
		const error = callers.rejected[0].error as NotServed;
		expect(error).toBeInstanceOf(NotServed);
		expect(error.reason).toBe('pause');
		expect(error.said).toBe(REFUSED);
		expect(error.until).toBe(1_000_000 + 3_600_000);
		// Nothing waits on a timer for the hour.
		expect(gate.waiting).toBe(0);
		expect(clock.pendingTimers).toBe(0);
	});

	it('a pause shorter than the patience is waited out; it ends with jitter of at most a fifth, never before the retry time', async () => {
		for (const randomValue of [0, 0.999]) {
			const { clock, callers } = setup();
			clock.randomValue = randomValue;
			callers.ask(1);
			await settle();
			callers.answerAll(refusal(clock, 2));
			callers.ask(3);
			await clock.advance(1999);
			expect(callers.granted).toHaveLength(1);
			await clock.advance(1 + 400);
			expect(callers.granted).toHaveLength(4);
			expect(callers.granted[1].at - 1_000_000).toBeGreaterThanOrEqual(2000);
			expect(callers.granted[1].at - 1_000_000).toBeLessThanOrEqual(2400);
		}
	});

	it('jitter is capped at one second for long waits', async () => {
		const { clock, callers } = setup();
		clock.randomValue = 0.999;
		callers.ask(1);
		await settle();
		callers.answerAll(refusal(clock, 30));
		callers.ask(1);
		await clock.advance(31_000);
		expect(callers.granted).toHaveLength(2);
		expect(callers.granted[1].at - 1_000_000).toBeLessThanOrEqual(31_000);
	});

	it('a person during a 20 s pause is told at once, with the provider\'s retry time', async () => {
		const { clock, callers } = setup();
		callers.ask(1);
		await settle();
		callers.answerAll(refusal(clock, 20));
		callers.ask(1, { person: true, patienceMs: PERSON_WAIT_MS, deadline: clock.now() + PERSON_WAIT_MS });
		await settle();
		expect((callers.rejected[0].error as NotServed).reason).toBe('pause');
		expect(callers.rejected[0].at).toBe(clock.now());
	});

	it('a spent budget (X-RateLimit-Remaining: 0, reset an hour away) on a success holds everyone until the reset', async () => {
		const { clock, callers } = setup();
		callers.ask(1);
		await settle();
		callers.answerAll({ hint: { remaining: 0, resetAt: clock.now() + 3_600_000 } });
		callers.ask(1);
		await settle();
		expect((callers.rejected[0].error as NotServed).reason).toBe('budget');
		expect(clock.pendingTimers).toBe(0);
	});

	it('a waiter still waiting at its deadline is rejected then', async () => {
		const { clock, callers } = setup({ maxInFlight: 1 });
		callers.ask(1);
		callers.ask(1, { deadline: clock.now() + 1000 });
		await clock.advance(999);
		expect(callers.rejected).toHaveLength(0);
		await clock.advance(1);
		expect((callers.rejected[0].error as NotServed).reason).toBe('deadline');
		expect(clock.pendingTimers).toBe(0);
	});
});

describe('a credential that fetches a token first (MailUp)', () => {
	it('sends its first request alone; the others follow its answer', async () => {
		const { callers } = setup(SAAS_API);
		callers.ask(5, { firstAlone: true });
		await settle();
		expect(callers.granted).toHaveLength(1);
		callers.answerAll();
		await settle();
		expect(callers.granted).toHaveLength(5);
	});

	it('a first request that hangs holds the others 5 s at most', async () => {
		const { clock, callers } = setup(SAAS_API);
		callers.ask(5, { firstAlone: true });
		await clock.advance(4999);
		expect(callers.granted).toHaveLength(1);
		await clock.advance(1);
		expect(callers.granted).toHaveLength(5);
	});
});

describe('many executions at once', () => {
	it('300 callers from 300 executions share one gate: one refusal round, then the pace the headers gave', async () => {
		const clock = new FakeClock();
		const registry = new Gates(clock);
		const callers = new Callers(registry.for('hostup key-a', SAAS_API), clock);
		for (let execution = 0; execution < 300; execution++) {
			expect(registry.for('hostup key-a', SAAS_API)).toBe(registry.for('hostup key-a', SAAS_API));
			callers.ask(1);
		}
		// A provider that takes 20 per second and says so on its 429s, as HostUp does.
		let accepted = 0;
		let refused = 0;
		let windowStart = clock.now();
		let inWindow = 0;
		while (accepted < 300 && clock.now() < 1_000_000 + 60_000) {
			await clock.advance(50);
			for (const entry of callers.granted) {
				if (entry.answered) continue;
				entry.answered = true;
				if (clock.now() - windowStart >= 1000) {
					windowStart = clock.now();
					inWindow = 0;
				}
				if (inWindow < 20) {
					inWindow++;
					accepted++;
					entry.permit.done({});
				} else {
					refused++;
					entry.permit.done({ refusal: { until: windowStart + 1000, said: REFUSED }, hint: { limit: 20, remaining: 0, resetAt: windowStart + 1000 } });
					callers.ask(1, { since: 0 });
				}
			}
		}
		expect(accepted).toBe(300);
		expect(registry.size).toBe(1);
		// The first round (300 sent, 20 taken) is refused; after that the pace holds.
		expect(refused).toBeLessThanOrEqual(300 - 20 + 10);
		expect(clock.now() - 1_000_000).toBeLessThan(17_000);
	});

	it('gates are per key, and one idle for ten minutes is dropped', async () => {
		const clock = new FakeClock();
		const registry = new Gates(clock);
		const first = registry.for('hostup a', SAAS_API);
		expect(registry.for('hostup a', SAAS_API)).toBe(first);
		expect(registry.for('hostup b', SAAS_API)).not.toBe(first);
		const busy = await registry.for('installatron c', CUSTOMER_SERVER).acquire(PATIENT);
		await clock.advance(10 * 60_000);
		registry.for('mailup d', SAAS_API);
		expect(registry.size).toBe(2);
		expect(registry.for('hostup a', SAAS_API)).not.toBe(first);
		busy.done({});
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
