import { sleep } from 'n8n-workflow';

import { onAbort } from './abort';
import type { ProviderFailure } from './errors';
import type { DocumentedRate, HoldReason, RateLimitHint } from './pace';
import { Pace } from './pace';

/**
 * One gate per provider endpoint and credential, shared by every execution,
 * item and resource picker of this n8n process: the way the provider counts
 * its limit (README, "Speed and rate limits"). It decides when a request may
 * go: the queue (a person first, then oldest first), the endpoint's cap on
 * requests in flight, what the provider said (pace.ts), and every waiter's
 * deadline. Timers come from the injected clock. Nothing here holds a secret.
 */
export interface TrafficProfile {
	/** Most requests in flight at once to this endpoint, from the whole process. */
	maxInFlight: number;
	/** A limit the provider documents, paced from the first request. */
	documentedRate?: DocumentedRate;
}

/**
 * SaaS APIs: as fast as they allow, like n8n's HTTP Request
 * node, which sends every item at once; their answers set the pace.
 */
export const SAAS_API: TrafficProfile = { maxInFlight: 10_000 };

/**
 * A customer's own server (an installer or billing panel, most Custom APIs):
 * no 429 to learn from, and often a small machine where each request starts
 * PHP and a database connection. Six at once is what a browser opens to one host.
 */
export const CUSTOMER_SERVER: TrafficProfile = { maxInFlight: 6 };

/** How long a person (a resource picker) waits before being told why not. */
export const PERSON_WAIT_MS = 5000;

/**
 * An API whose credential fetches a token before its first request (README names it):
 * that request goes alone, so n8n fetches one token rather than one per
 * request; the others follow when it answers, or after this long if it hangs.
 */
const FIRST_ALONE_MS = 5000;

/** Time and chance, injected so that every timing rule can be tested with a fake clock. */
export interface Clock {
	now(): number;
	/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1). */
	random(): number;
}

export const SYSTEM_CLOCK: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => {
		if (!signal) return await sleep(ms);
		signal.throwIfAborted();
		// n8n 1.x's sleep takes no signal: the race ends the wait on abort all the same.
		let stopWatching: (() => void) | undefined;
		const aborted = new Promise<never>((_resolve, reject) => {
			stopWatching = onAbort(signal, reject);
		});
		try {
			return await Promise.race([sleep(ms, signal), aborted]);
		} finally {
			stopWatching?.();
		}
	},
	random: () => Math.random(),
};

export interface AcquireOptions {
	signal?: AbortSignal;
	/** A person waits for the answer (a resource picker): goes to the front of the queue. */
	person?: boolean;
	/** Give up by then (epoch ms): a picker's few seconds, or the end of a retried item's Max Retry Wait. */
	deadline?: number;
	/** The longest hold from now this caller accepts (its Max Retry Wait); a longer one fails it at once. */
	patienceMs: number;
	/** A run's Max Concurrent Requests above the endpoint's cap raises the cap for that run's requests. */
	maxInFlight?: number;
	/** When the caller first asked: a retry keeps its place. */
	since?: number;
	/** Send alone until the endpoint's first answer (see FIRST_ALONE_MS). */
	firstAlone?: boolean;
}

/** How a request ended, as the provider said. */
export interface Answer {
	hint?: RateLimitHint;
	/** A 429: until when the provider asked to wait, in its words. */
	refusal?: { until: number; said: ProviderFailure };
}

export interface Permit {
	/** Reports the answer; the first call counts. */
	done(answer?: Answer): void;
}

/**
 * The caller could not be served by its deadline: why, until when (a pause:
 * the provider's own retry time), the newest 429 if one holds, and how many
 * wait besides.
 */
export class NotServed extends Error {
	constructor(
		readonly reason: HoldReason | 'deadline',
		readonly until: number | undefined,
		readonly said: ProviderFailure | undefined,
		readonly waiting: number,
	) {
		super(`not served: ${reason}`);
	}
}

interface Waiter {
	person: boolean;
	since: number;
	deadline: number;
	patienceMs: number;
	cap: number;
	grant(permit: Permit): void;
	reject(error: unknown): void;
}

export class Gate {
	private readonly pace: Pace;

	/** Waiting callers: people first, then oldest first (a retry keeps its place). */
	private queue: Waiter[] = [];

	private inFlight = 0;

	private answered = 0;

	private firstSentAt: number | undefined;

	/** Some caller asked for its first request to go alone (AcquireOptions.firstAlone). */
	private firstAlone = false;

	/** The newest 429: its words and when it said to come back, for the callers a pause fails. */
	private said: { failure: ProviderFailure; until: number } | undefined;

	private wake: { at: number; cancel: AbortController } | undefined;

	/** Last time anyone asked or answered; the registry drops gates idle for long. */
	lastUsedAt: number;

	constructor(
		readonly profile: TrafficProfile,
		private readonly clock: Clock = SYSTEM_CLOCK,
	) {
		this.pace = new Pace(profile.documentedRate);
		this.lastUsedAt = clock.now();
	}

	get idle(): boolean {
		return this.inFlight === 0 && this.queue.length === 0;
	}

	get requestsInFlight(): number {
		return this.inFlight;
	}

	get waiting(): number {
		return this.queue.length;
	}

	/** Waits for a turn to send; rejects with the signal's reason or `NotServed`. */
	async acquire(options: AcquireOptions): Promise<Permit> {
		options.signal?.throwIfAborted();
		const now = this.clock.now();
		this.lastUsedAt = now;
		this.firstAlone ||= Boolean(options.firstAlone);
		return await new Promise<Permit>((resolve, reject) => {
			let stopWatching: (() => void) | undefined;
			const settle = <T>(then: (value: T) => void) => (value: T) => {
				stopWatching?.();
				stopWatching = () => undefined;
				then(value);
			};
			const waiter: Waiter = {
				person: Boolean(options.person),
				since: options.since ?? now,
				deadline: options.deadline ?? Number.POSITIVE_INFINITY,
				patienceMs: options.patienceMs,
				cap: Math.max(this.profile.maxInFlight, Math.floor(options.maxInFlight ?? 0)),
				grant: settle(resolve),
				reject: settle(reject),
			};
			let index = this.queue.length;
			while (index > 0 && !this.before(this.queue[index - 1], waiter)) index--;
			this.queue.splice(index, 0, waiter);
			this.pump();
			// Most callers are served at once; only one that waits watches its signal.
			if (options.signal && !stopWatching) {
				stopWatching = onAbort(options.signal, (reason) => {
					if (!this.queue.includes(waiter)) return;
					this.queue = this.queue.filter((other) => other !== waiter);
					waiter.reject(reason);
					this.pump();
				});
			}
		});
	}

	/** Whether `a` is served before `b`: a person first, then the one that asked first. */
	private before(a: Waiter, b: Waiter): boolean {
		return a.person !== b.person ? a.person : a.since <= b.since;
	}

	private pump(): void {
		const now = this.clock.now();
		this.failWhere((waiter) => waiter.deadline <= now, 'deadline', now);
		while (this.queue.length > 0) {
			const { at, reason } = this.holdUntil(now);
			if (at > now) {
				// Who cannot wait that long is told now, not when the wait is over.
				if (reason) this.failWhere((waiter) => Math.min(waiter.deadline, now + waiter.patienceMs) < at, reason, now, at);
				if (this.queue.length > 0) return this.wakeAt(at, now);
				break;
			}
			// A run allowed more than the endpoint's cap is not held behind one that is not.
			const next = this.queue.find((waiter) => this.inFlight < waiter.cap);
			if (!next) return this.wakeAt(Number.POSITIVE_INFINITY, now);
			this.queue.splice(this.queue.indexOf(next), 1);
			next.grant(this.send(now));
		}
		this.cancelWake();
	}

	private holdUntil(now: number): { at: number; reason?: HoldReason } {
		if (this.firstAlone && this.answered === 0 && this.inFlight > 0) {
			const until = (this.firstSentAt as number) + FIRST_ALONE_MS;
			if (now < until) return { at: until };
		}
		return this.pace.nextSendAt(now);
	}

	/** Rejects every waiter `cannot` picks, saying why and until when. */
	private failWhere(cannot: (waiter: Waiter) => boolean, reason: HoldReason | 'deadline', now: number, until?: number): void {
		const failing = this.queue.filter(cannot);
		if (failing.length === 0) return;
		this.queue = this.queue.filter((waiter) => !cannot(waiter));
		const held = until ?? this.pace.nextSendAt(now).at;
		const said = this.said && this.said.until > now && reason !== 'pace' ? this.said : undefined;
		// A pause ends at the provider's retry time; the jitter added to it is this process's own.
		const when = reason === 'pause' && said ? said.until : held > now ? held : undefined;
		for (const waiter of failing) waiter.reject(new NotServed(reason, when, said?.failure, this.queue.length));
	}

	private send(now: number): Permit {
		const seq = this.pace.sent(now);
		this.inFlight++;
		this.firstSentAt ??= now;
		let finished = false;
		return {
			done: (answer = {}) => {
				if (finished) return;
				finished = true;
				this.inFlight--;
				this.answered++;
				const answeredAt = this.clock.now();
				this.lastUsedAt = answeredAt;
				if (answer.refusal) this.said = { failure: answer.refusal.said, until: answer.refusal.until };
				this.pace.answered(seq, answeredAt, answer.hint, answer.refusal?.until, this.clock.random());
				this.pump();
			},
		};
	}

	/** Pumps again at `at`, or at the soonest deadline if sooner; one timer at a time. */
	private wakeAt(at: number, now: number): void {
		const when = this.queue.reduce((soonest, waiter) => Math.min(soonest, waiter.deadline), at);
		if (!Number.isFinite(when)) return this.cancelWake();
		if (this.wake && this.wake.at <= when && this.wake.at > now) return;
		this.cancelWake();
		const cancel = new AbortController();
		this.wake = { at: when, cancel };
		// On n8n 1.x an aborted sleep still ends later: the check makes it do nothing.
		this.clock.sleep(Math.max(0, when - now), cancel.signal).then(
			() => {
				if (this.wake?.cancel !== cancel) return;
				this.wake = undefined;
				this.pump();
			},
			() => undefined,
		);
	}

	private cancelWake(): void {
		this.wake?.cancel.abort();
		this.wake = undefined;
	}
}

/**
 * The process's gates, one per provider endpoint and credential. Gates idle
 * for `idleMs` are dropped (what they learned is forgotten), so a process
 * that talks to thousands of customers' servers stays small.
 */
export class Gates {
	private readonly gates = new Map<string, Gate>();

	private lastSweepAt: number;

	constructor(
		private clockInUse: Clock = SYSTEM_CLOCK,
		private readonly idleMs = 10 * 60_000,
	) {
		this.lastSweepAt = clockInUse.now();
	}

	/** The time every gate and the transport's waits go by. */
	get clock(): Clock {
		return this.clockInUse;
	}

	/** Forgets every endpoint and goes by `clock` from now on (tests inject a fake one). */
	useClock(clock: Clock): void {
		this.clear();
		this.clockInUse = clock;
		this.lastSweepAt = clock.now();
	}

	/** The gate for `key` (which must hold no secret), made with `profile` on first use. */
	for(key: string, profile: TrafficProfile): Gate {
		this.sweep();
		let gate = this.gates.get(key);
		if (!gate) {
			gate = new Gate(profile, this.clockInUse);
			this.gates.set(key, gate);
		}
		return gate;
	}

	get size(): number {
		return this.gates.size;
	}

	keys(): string[] {
		return [...this.gates.keys()];
	}

	/** Forgets every endpoint, as a fresh process would (each test starts so). */
	clear(): void {
		this.gates.clear();
	}

	private sweep(): void {
		const now = this.clockInUse.now();
		if (now - this.lastSweepAt < Math.min(60_000, this.idleMs)) return;
		this.lastSweepAt = now;
		for (const [key, gate] of this.gates) {
			if (gate.idle && now - gate.lastUsedAt >= this.idleMs) this.gates.delete(key);
		}
	}
}

/** The one registry of this process: the core is loaded once (see gulpfile.js). */
export const TRAFFIC = new Gates();
