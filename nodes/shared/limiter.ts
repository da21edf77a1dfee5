import { sleep } from 'n8n-workflow';

/**
 * How many requests a node run keeps in flight, and how fast it sends, learned
 * from the provider's answers; shared by all items of one node run (so limits
 * are per execution, never per process).
 *
 * 1. Probe: the first `initialWindow` requests go out together and the rest
 *    wait until all of them have answered. Were none rate-limited, the window
 *    opens to `maxInFlight`: a provider without a limit sees everything at once.
 * 2. On a 429 every request waits until the provider's retry time, and from
 *    then on the limiter paces: at most R sends in any `pacingWindowMs`, where R
 *    is how many requests the provider accepted in the second before it said
 *    "too many". A later 429 lowers R by a fifth. After `probeAfterMs` without
 *    one, R grows by a tenth every `probeEveryMs`, in case the limit was raised.
 *
 * The probe round caps what a limit can cost: at most `initialWindow` minus
 * the limit requests are refused before the limiter knows the rate. A
 * credential that fetches its token on first use sends its first request
 * alone, so every later one reuses the token instead of fetching its own.
 */
export interface LimiterSettings {
	maxInFlight: number;
	initialWindow: number;
	/** The rate window plus a margin for the time between sending and arriving. */
	pacingWindowMs: number;
	probeAfterMs: number;
	probeEveryMs: number;
}

export const AUTOMATIC_LIMITER: LimiterSettings = {
	maxInFlight: 200,
	initialWindow: 50,
	pacingWindowMs: 1050,
	probeAfterMs: 30_000,
	probeEveryMs: 10_000,
};

export type Outcome = 'success' | 'rateLimited' | 'failure';

export interface Permit {
	/** Reports how the request ended; call exactly once. */
	done(outcome: Outcome, retryAt?: number): void;
}

interface Waiter {
	solo: boolean;
	grant: (permit: Permit) => void;
	reject: (error: unknown) => void;
}

export class AdaptiveLimiter {
	private inFlight = 0;

	private probing = true;

	private probeSent = 0;

	private soloRunning = false;

	private answered = 0;

	/** Requests per pacing window once the provider has said "too many". */
	private rate: number | undefined;

	private pausedUntil = 0;

	private lastLimitedAt = 0;

	private lastProbeAt = 0;

	/** Send times of the requests in flight or recently done, for pacing. */
	private sendTimes: number[] = [];

	/** Send times of accepted requests, to learn the rate from. */
	private acceptedSendTimes: number[] = [];

	/** Send time of the first request refused since the last resume. */
	private firstRefusedSentAt: number | undefined;

	private readonly waiters: Waiter[] = [];

	private wakeTimer: AbortController | undefined;

	private wakeAt = Number.POSITIVE_INFINITY;

	constructor(
		private readonly settings: LimiterSettings = AUTOMATIC_LIMITER,
		private readonly now: () => number = Date.now,
	) {}

	/** Waits for a turn to send. `solo`: send alone if nothing has answered yet (token warm-up). */
	async acquire(signal?: AbortSignal, options: { solo?: boolean } = {}): Promise<Permit> {
		signal?.throwIfAborted();
		return await new Promise<Permit>((resolve, reject) => {
			const waiter: Waiter = { solo: Boolean(options.solo), grant: resolve, reject };
			this.waiters.push(waiter);
			signal?.addEventListener(
				'abort',
				() => {
					const index = this.waiters.indexOf(waiter);
					if (index >= 0) {
						this.waiters.splice(index, 1);
						reject(signal.reason);
					}
				},
				{ once: true },
			);
			this.pump();
		});
	}

	private pump(): void {
		while (this.waiters.length > 0) {
			const waitMs = this.waitBeforeNextSend(this.waiters[0]);
			if (waitMs > 0) {
				if (Number.isFinite(waitMs)) this.wakeIn(waitMs);
				return;
			}
			const waiter = this.waiters.shift() as Waiter;
			waiter.grant(this.send(waiter.solo && this.answered === 0));
		}
	}

	/** 0: may send now; a number: try again then; Infinity: wait for an answer. */
	private waitBeforeNextSend(next: Waiter): number {
		const now = this.now();
		if (this.soloRunning) return Number.POSITIVE_INFINITY;
		if (next.solo && this.answered === 0 && this.inFlight > 0) return Number.POSITIVE_INFINITY;
		if (now < this.pausedUntil) return this.pausedUntil - now;
		if (this.inFlight >= this.settings.maxInFlight) return Number.POSITIVE_INFINITY;
		if (this.probing && this.probeSent >= this.settings.initialWindow) return Number.POSITIVE_INFINITY;
		if (this.rate !== undefined) {
			this.growRateIfQuiet(now);
			const windowStart = now - this.settings.pacingWindowMs;
			this.sendTimes = this.sendTimes.filter((at) => at > windowStart);
			if (this.sendTimes.length >= this.rate) return this.sendTimes[0] - windowStart + 1;
		}
		return 0;
	}

	private send(solo: boolean): Permit {
		const sentAt = this.now();
		this.inFlight++;
		if (this.probing) this.probeSent++;
		if (solo) this.soloRunning = true;
		this.sendTimes.push(sentAt);
		let finished = false;
		return {
			done: (outcome, retryAt) => {
				if (finished) return;
				finished = true;
				this.inFlight--;
				this.answered++;
				if (solo) this.soloRunning = false;
				this.record(outcome, sentAt, retryAt);
				this.pump();
			},
		};
	}

	private record(outcome: Outcome, sentAt: number, retryAt: number | undefined): void {
		const now = this.now();
		if (outcome === 'success') {
			this.acceptedSendTimes.push(sentAt);
			this.acceptedSendTimes = this.acceptedSendTimes.filter((at) => at > now - 10_000);
		}
		if (outcome === 'rateLimited') {
			this.pausedUntil = Math.max(this.pausedUntil, retryAt ?? now + 1000);
			this.lastLimitedAt = now;
			this.firstRefusedSentAt ??= sentAt;
			if (this.rate !== undefined && sentAt >= this.lastProbeAt) {
				this.rate = Math.max(1, Math.floor(this.rate * 0.8));
				this.lastProbeAt = now;
			}
		}
		if (this.probing && this.inFlight === 0 && this.probeSent >= this.settings.initialWindow) {
			this.probing = false;
		}
		if (this.firstRefusedSentAt !== undefined && this.rate === undefined && this.inFlight === 0) {
			this.learnRate();
		}
	}

	/** R: requests accepted in the second before the first refusal (all have answered by now). */
	private learnRate(): void {
		const refusedAt = this.firstRefusedSentAt as number;
		const accepted = this.acceptedSendTimes.filter((at) => at >= refusedAt - 1000 && at <= refusedAt).length;
		this.rate = Math.max(1, accepted);
		this.probing = false;
		this.firstRefusedSentAt = undefined;
		this.lastProbeAt = this.now();
	}

	private growRateIfQuiet(now: number): void {
		if (this.rate === undefined) return;
		const quietFor = now - this.lastLimitedAt;
		if (quietFor >= this.settings.probeAfterMs && now - this.lastProbeAt >= this.settings.probeEveryMs) {
			this.rate = Math.ceil(this.rate * 1.1);
			this.lastProbeAt = now;
		}
	}

	private wakeIn(ms: number): void {
		const at = this.now() + ms;
		if (this.wakeTimer && at >= this.wakeAt) return;
		this.wakeTimer?.abort();
		const timer = new AbortController();
		this.wakeTimer = timer;
		this.wakeAt = at;
		sleep(ms, timer.signal).then(
			() => {
				if (this.wakeTimer !== timer) return;
				this.wakeTimer = undefined;
				this.wakeAt = Number.POSITIVE_INFINITY;
				this.pump();
			},
			() => undefined,
		);
	}

	/** Rejects everyone still waiting (the node run is over or cancelled). */
	close(reason: unknown): void {
		this.wakeTimer?.abort();
		for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
	}
}
