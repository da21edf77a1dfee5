import { sleep } from 'n8n-workflow';

import { onAbort } from './abort';

/**
 * Traffic control per provider endpoint, shared by every execution, node run,
 * item and resource picker of this n8n process that talks to that endpoint
 * with that credential — the way the provider counts its limit. A burst of
 * webhook executions therefore queues behind one controller and is paced
 * together, instead of each execution finding the limit on its own.
 *
 * A controller decides when a request may be sent:
 *
 * - **In flight**: at most `maxInFlight` requests at once (a caller may bring
 *   its own cap from Request Options). Customers' own servers get a small
 *   number by default; SaaS APIs a large one.
 * - **Probe**: until the provider has said anything about its limit, the
 *   first `initialWindow` requests go out together and the rest wait for
 *   their answers. A documented limit (MailUp's 5 calls/s) skips the probe and
 *   paces from the first request.
 * - **Headers**: `X-RateLimit-Remaining` with `X-RateLimit-Reset` on any answer
 *   is a budget: no more sends than that before the reset. `X-RateLimit-Limit`
 *   sets the pace for later windows (per second unless the reset is further).
 * - **429**: everyone waits until the provider's retry time (plus a little
 *   jitter, so several processes do not return together); once the pace is
 *   known, only until the provider's window frees (`X-RateLimit-Reset`), and
 *   the refused request alone waits its retry time. Without headers the
 *   pace is learned: the requests accepted in the second before the first
 *   refusal. A later 429 lowers the pace by a fifth. Below a limit the
 *   headers gave, the pace climbs halfway back to it after each quiet window
 *   (queue-mode workers sharing a limit find their shares so, and take the
 *   whole limit again once the others are done); a learned pace grows by a
 *   tenth every 10 s after 30 s without a 429.
 *
 * Waiting callers are served oldest first (a retry keeps its place).
 * Cancellation is by AbortSignal per caller. Nothing here holds a secret.
 */
export interface TrafficProfile {
	/** Most requests in flight at once to this endpoint, from the whole process. */
	maxInFlight: number;
	/** Requests sent together before the provider has said anything about its limit. */
	initialWindow: number;
	/** A documented limit: at most `requests` per `perMs`, paced from the first request. */
	documentedRate?: { requests: number; perMs: number };
}

/**
 * SaaS APIs: fast until they say otherwise. n8n's HTTP Request node sends all
 * items at once, and so does this (up to ten thousand): on a run that keeps
 * n8n's CPU busy, any lower cap leaves requests waiting behind answers that
 * n8n has not got round to reading yet (2,000 items took 15% longer with a
 * thousand in flight). The probe holds back only what is beyond 200: a run of
 * up to 200 items is never slowed by it (with a probe of 50, the first run
 * to a provider took 1.03-1.15× the HTTP Request node's time for 200 items),
 * and a bigger one into an unknown limit is refused at most 200 times before
 * the provider's answers set the pace.
 */
export const SAAS_API: TrafficProfile = { maxInFlight: 10_000, initialWindow: 200 };

/**
 * A customer's own server (Installatron, WISECP, most Custom APIs): no 429 to
 * learn from and often a small machine where each request starts PHP and a
 * database connection. Six at once is what a browser opens to one host.
 */
export const CUSTOMER_SERVER: TrafficProfile = { maxInFlight: 6, initialWindow: 6 };

/** Time and chance, injected so the pacing can be tested with a fake clock. */
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
		// The race keeps cancellation working on n8n 1.x, whose sleep takes no signal.
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

/** What the provider's `X-RateLimit-*` headers said, read by retry.ts. */
export interface RateLimitHint {
	limit?: number;
	remaining?: number;
	/** Epoch ms. */
	resetAt?: number;
}

export interface Report {
	outcome: 'success' | 'rateLimited' | 'failure';
	/** For `rateLimited`: when the provider said to come back (epoch ms). */
	retryAt?: number;
	hint?: RateLimitHint;
}

export interface Permit {
	/** Reports how the request ended; the first call counts, later ones are ignored. */
	done(report: Report): void;
}

export interface AcquireOptions {
	signal?: AbortSignal;
	/** The caller's own cap on requests in flight to this endpoint (Request Options). */
	maxInFlight?: number;
	/** Send alone while nothing has answered yet (a credential fetching its token). */
	solo?: boolean;
	/** Give up with `WaitTooLong` rather than wait past this time (epoch ms). */
	deadline?: number;
	/** When the caller first asked; a retry passes its first time and keeps its place. */
	since?: number;
}

/** The caller's deadline came (or would pass) before its turn. */
export class WaitTooLong extends Error {
	constructor(readonly until: number | undefined) {
		super('waited longer than allowed for the provider to accept more requests');
	}
}

interface Waiter {
	since: number;
	solo: boolean;
	maxInFlight: number;
	deadline: number | undefined;
	grant(permit: Permit): void;
	reject(error: unknown): void;
}

/**
 * Callers waiting for their turn, oldest first. A big run puts thousands in
 * line at a customer's server that takes six at a time, so taking the oldest
 * does not move the others.
 */
class WaitQueue {
	private items: Array<Waiter | undefined> = [];

	private head = 0;

	/** How many waiters have a deadline: most pumps need not look for them. */
	withDeadline = 0;

	get length(): number {
		return this.items.length - this.head;
	}

	get first(): Waiter | undefined {
		return this.items[this.head];
	}

	/** In order of `since`: a retry goes back to where its first ask stood. */
	insert(waiter: Waiter): void {
		let index = this.items.length;
		while (index > this.head && (this.items[index - 1] as Waiter).since > waiter.since) index--;
		this.items.splice(index, 0, waiter);
		if (waiter.deadline !== undefined) this.withDeadline++;
	}

	shift(): Waiter {
		const waiter = this.items[this.head] as Waiter;
		this.items[this.head] = undefined;
		this.head++;
		if (this.head === this.items.length) {
			this.items = [];
			this.head = 0;
		} else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
		if (waiter.deadline !== undefined) this.withDeadline--;
		return waiter;
	}

	remove(waiter: Waiter): boolean {
		const index = this.items.indexOf(waiter, this.head);
		if (index < 0) return false;
		if (index === this.head) {
			this.shift();
			return true;
		}
		this.items.splice(index, 1);
		if (waiter.deadline !== undefined) this.withDeadline--;
		return true;
	}

	toArray(): Waiter[] {
		return this.items.slice(this.head) as Waiter[];
	}
}

const PACING_MARGIN_MS = 50;
const PROBE_AFTER_MS = 30_000;
const PROBE_EVERY_MS = 10_000;
/** The pause after a 429 ends up to this share of the wait later (at most a second). */
const PAUSE_JITTER = 0.2;

export class TrafficController {
	private inFlight = 0;

	private answered = 0;

	private soloRunning = false;

	private probing: boolean;

	private probeSent = 0;

	/** Sends allowed per `windowMs` once the limit is known; undefined: no pacing. */
	private rate: number | undefined;

	private windowMs = 1000 + PACING_MARGIN_MS;

	/** The newest `X-RateLimit-Limit`: the pace never climbs above it. */
	private headerLimit: number | undefined;

	/** Send times within the last pacing window. */
	private sendTimes: number[] = [];

	/** Send times of accepted requests in the last few seconds, to learn the rate from. */
	private acceptedSendTimes: number[] = [];

	private firstRefusedSentAt: number | undefined;

	private pausedUntil = 0;

	private lastLimitedAt = 0;

	private lastRateChangeAt = 0;

	/** From the newest `X-RateLimit-Remaining`/`-Reset`: sends left before `budgetResetAt`. */
	private budget: number | undefined;

	private budgetResetAt = 0;

	/** Sequence number of the send whose answer set the budget. */
	private budgetSeq = -1;

	private sent = 0;

	private readonly waiters = new WaitQueue();

	private wake: { at: number; cancel: AbortController } | undefined;

	/** Last time anyone asked or answered; the registry drops controllers idle for long. */
	lastUsedAt: number;

	constructor(
		readonly profile: TrafficProfile,
		private readonly clock: Clock = SYSTEM_CLOCK,
	) {
		this.lastUsedAt = clock.now();
		this.probing = profile.documentedRate === undefined;
		if (profile.documentedRate) {
			this.rate = profile.documentedRate.requests;
			this.windowMs = profile.documentedRate.perMs + PACING_MARGIN_MS;
		}
	}

	/** Nobody is waiting and nothing is in flight. */
	get idle(): boolean {
		return this.inFlight === 0 && this.waiters.length === 0;
	}

	/** Requests currently in flight (for tests and diagnostics). */
	get requestsInFlight(): number {
		return this.inFlight;
	}

	/** The pace in force: sends per window, or undefined when unpaced. */
	get pace(): { requests: number; perMs: number } | undefined {
		return this.rate === undefined ? undefined : { requests: this.rate, perMs: this.windowMs };
	}

	/** Waits for a turn to send. Rejects with the signal's reason, or `WaitTooLong`. */
	async acquire(options: AcquireOptions = {}): Promise<Permit> {
		const { signal } = options;
		signal?.throwIfAborted();
		this.lastUsedAt = this.clock.now();
		return await new Promise<Permit>((resolve, reject) => {
			let stopWatching: (() => void) | undefined;
			let settled = false;
			const waiter: Waiter = {
				since: options.since ?? this.clock.now(),
				solo: Boolean(options.solo),
				maxInFlight: Math.max(1, Math.floor(options.maxInFlight ?? this.profile.maxInFlight)),
				deadline: options.deadline,
				grant: (permit) => {
					settled = true;
					stopWatching?.();
					resolve(permit);
				},
				reject: (error) => {
					settled = true;
					stopWatching?.();
					reject(error);
				},
			};
			this.waiters.insert(waiter);
			this.pump();
			// Most callers get their turn at once; only one that waits watches the signal.
			if (signal && !settled) {
				stopWatching = onAbort(signal, (reason) => {
					if (this.remove(waiter)) reject(reason);
				});
			}
		});
	}

	private remove(waiter: Waiter): boolean {
		if (!this.waiters.remove(waiter)) return false;
		// The next waiter may have been held behind this one's cap.
		this.pump();
		return true;
	}

	private pump(): void {
		const now = this.clock.now();
		this.expireDeadlines(now);
		for (let next = this.waiters.first; next !== undefined; next = this.waiters.first) {
			const waitMs = this.waitBeforeNextSend(next, now);
			if (waitMs > 0) {
				this.scheduleWake(now, waitMs);
				return;
			}
			const waiter = this.waiters.shift();
			waiter.grant(this.send(waiter.solo && this.answered === 0, now));
		}
		this.cancelWake();
	}

	private expireDeadlines(now: number): void {
		// Only retries after a 429 have deadlines; most pumps have none to look at.
		if (this.waiters.withDeadline === 0) return;
		const paused = this.pausedUntil > now ? this.pausedUntil : undefined;
		for (const waiter of this.waiters.toArray()) {
			if (waiter.deadline === undefined) continue;
			// A pause that outlasts the deadline cannot end in time: say so now.
			if (waiter.deadline <= now || (paused !== undefined && paused > waiter.deadline)) {
				this.waiters.remove(waiter);
				waiter.reject(new WaitTooLong(paused));
			}
		}
	}

	/** 0: may send now; a number: look again then; Infinity: wait for an answer. */
	private waitBeforeNextSend(next: Waiter, now: number): number {
		if (this.soloRunning) return Number.POSITIVE_INFINITY;
		if (next.solo && this.answered === 0 && this.inFlight > 0) return Number.POSITIVE_INFINITY;
		if (now < this.pausedUntil) return this.pausedUntil - now;
		if (this.inFlight >= next.maxInFlight) return Number.POSITIVE_INFINITY;
		if (this.probing && this.probeSent >= this.profile.initialWindow) return Number.POSITIVE_INFINITY;
		if (this.budget !== undefined) {
			if (now >= this.budgetResetAt) this.budget = undefined;
			else if (this.budget <= 0) return this.budgetResetAt - now + PACING_MARGIN_MS;
		}
		this.pruneSendTimes(now);
		if (this.rate !== undefined) {
			this.growRateIfQuiet(now);
			if (this.sendTimes.length >= this.rate) return this.sendTimes[0] + this.windowMs - now + 1;
		}
		return 0;
	}

	private pruneSendTimes(now: number): void {
		const windowStart = now - this.windowMs;
		let drop = 0;
		while (drop < this.sendTimes.length && this.sendTimes[drop] <= windowStart) drop++;
		if (drop > 0) this.sendTimes.splice(0, drop);
	}

	private send(solo: boolean, now: number): Permit {
		const seq = this.sent++;
		this.inFlight++;
		if (this.probing) this.probeSent++;
		if (solo) this.soloRunning = true;
		if (this.budget !== undefined) this.budget--;
		this.sendTimes.push(now);
		let finished = false;
		return {
			done: (report) => {
				if (finished) return;
				finished = true;
				this.inFlight--;
				this.answered++;
				if (solo) this.soloRunning = false;
				this.record(report, now, seq);
				this.pump();
			},
		};
	}

	private record(report: Report, sentAt: number, seq: number): void {
		const now = this.clock.now();
		this.lastUsedAt = now;
		if (report.outcome === 'success') {
			this.acceptedSendTimes.push(sentAt);
			const keepFrom = now - 10_000;
			while (this.acceptedSendTimes.length > 0 && this.acceptedSendTimes[0] < keepFrom) this.acceptedSendTimes.shift();
		}
		if (report.outcome === 'rateLimited') {
			const retryAt = report.retryAt ?? now + 1000;
			const until = this.pauseEnd(report, retryAt);
			const jitter = this.clock.random() * Math.min(1000, Math.max(0, until - now) * PAUSE_JITTER);
			this.pausedUntil = Math.max(this.pausedUntil, until + jitter);
			this.lastLimitedAt = now;
			if (this.rate === undefined) {
				this.firstRefusedSentAt ??= sentAt;
			} else if (sentAt >= this.lastRateChangeAt) {
				// Refused although paced: the limit is lower than thought, or others
				// (another queue-mode worker) spend it too.
				this.rate = Math.max(1, Math.floor(this.rate * 0.8));
				this.lastRateChangeAt = now;
			}
		}
		// After the 429's own effect, so a pace the headers set now is not lowered by it.
		if (report.hint) this.readHint(report.hint, seq, now);
		if (this.probing && this.inFlight === 0 && this.probeSent >= this.profile.initialWindow) this.probing = false;
		if (this.firstRefusedSentAt !== undefined && this.rate === undefined && this.inFlight === 0) this.learnRate(now);
	}

	/**
	 * Until when a 429 holds everyone. Once paced, the provider's own word on
	 * when its window frees (`X-RateLimit-Reset` with nothing remaining) when
	 * that is sooner than the refused request's retry time: only that request
	 * must wait its `Retry-After` (transport.ts), the others go at the lowered
	 * pace. Before the pace is known, everyone waits the retry time.
	 */
	private pauseEnd(report: Report, retryAt: number): number {
		const resetAt = report.hint?.remaining === 0 ? report.hint.resetAt : undefined;
		return this.rate !== undefined && resetAt !== undefined && resetAt < retryAt ? resetAt : retryAt;
	}

	private readHint(hint: RateLimitHint, seq: number, now: number): void {
		if (hint.limit !== undefined && hint.limit > 0) this.headerLimit = hint.limit;
		if (hint.limit !== undefined && hint.limit > 0 && this.rate === undefined) {
			// A limit per window; the window is a second unless the reset is further away.
			const untilReset = hint.resetAt !== undefined ? hint.resetAt - now : 0;
			this.rate = hint.limit;
			this.windowMs = Math.max(1000, Math.ceil(untilReset / 1000) * 1000) + PACING_MARGIN_MS;
			this.lastRateChangeAt = now;
			this.firstRefusedSentAt = undefined;
			this.probing = false;
		}
		if (hint.remaining !== undefined && hint.resetAt !== undefined && hint.resetAt > now && seq >= this.budgetSeq) {
			// Requests sent after this one may not have been counted in `remaining` yet.
			this.budget = hint.remaining - (this.sent - seq - 1);
			this.budgetResetAt = hint.resetAt;
			this.budgetSeq = seq;
			this.probing = false;
		}
	}

	/** The pace: requests accepted in the second before the first refusal (all have answered now). */
	private learnRate(now: number): void {
		const refusedAt = this.firstRefusedSentAt as number;
		this.rate = Math.max(1, this.acceptedSendTimes.filter((at) => at >= refusedAt - 1000 && at <= refusedAt).length);
		this.windowMs = 1000 + PACING_MARGIN_MS;
		this.probing = false;
		this.firstRefusedSentAt = undefined;
		this.lastRateChangeAt = now;
	}

	private growRateIfQuiet(now: number): void {
		if (this.rate === undefined || this.profile.documentedRate) return;
		if (this.headerLimit !== undefined) {
			// Below the limit the provider gave, the pace was lowered by refusals
			// caused by someone else sharing the limit (another queue-mode worker).
			// Halfway back after each quiet window: when the others are done, the
			// pace is nearly whole again within three seconds; one step at a time
			// took longer than the rest of a burst (test/unit/shared-limit.test.ts,
			// and the queue-mode burst of `npm run bench`).
			const quiet = Math.min(now - this.lastLimitedAt, now - this.lastRateChangeAt) >= this.windowMs;
			if (this.rate < this.headerLimit && quiet) {
				this.rate += Math.ceil((this.headerLimit - this.rate) / 2);
				this.lastRateChangeAt = now;
			}
			return;
		}
		if (now - this.lastLimitedAt >= PROBE_AFTER_MS && now - this.lastRateChangeAt >= PROBE_EVERY_MS) {
			this.rate = Math.ceil(this.rate * 1.1);
			this.lastRateChangeAt = now;
		}
	}

	private scheduleWake(now: number, waitMs: number): void {
		let at = now + waitMs;
		if (this.waiters.withDeadline > 0) {
			for (const waiter of this.waiters.toArray()) if (waiter.deadline !== undefined && waiter.deadline < at) at = waiter.deadline;
		}
		if (!Number.isFinite(at)) {
			this.cancelWake();
			return;
		}
		if (this.wake && this.wake.at <= at) return;
		this.cancelWake();
		const cancel = new AbortController();
		this.wake = { at, cancel };
		this.clock.sleep(Math.max(0, at - now), cancel.signal).then(
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
 * The process's controllers, one per provider endpoint and credential.
 * Controllers idle for `idleMs` are dropped (what they learned is forgotten),
 * so a process that talks to thousands of customers' servers stays small.
 */
export class TrafficControllers {
	private readonly controllers = new Map<string, TrafficController>();

	private lastSweepAt: number;

	constructor(
		private readonly clock: Clock = SYSTEM_CLOCK,
		private readonly idleMs = 10 * 60_000,
	) {
		this.lastSweepAt = clock.now();
	}

	/** The controller for `key` (which must hold no secret), created with `profile` on first use. */
	for(key: string, profile: TrafficProfile): TrafficController {
		this.sweep();
		let controller = this.controllers.get(key);
		if (!controller) {
			controller = new TrafficController(profile, this.clock);
			this.controllers.set(key, controller);
		}
		return controller;
	}

	get size(): number {
		return this.controllers.size;
	}

	/** Forgets every endpoint, as a fresh process would (the test suites start each test so). */
	clear(): void {
		this.controllers.clear();
	}

	private sweep(): void {
		const now = this.clock.now();
		if (now - this.lastSweepAt < Math.min(60_000, this.idleMs)) return;
		this.lastSweepAt = now;
		for (const [key, controller] of this.controllers) {
			if (controller.idle && now - controller.lastUsedAt >= this.idleMs) this.controllers.delete(key);
		}
	}
}

/** The one registry of this process: this module is loaded once (see gulpfile.js). */
export const TRAFFIC = new TrafficControllers();
