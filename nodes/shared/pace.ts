/**
 * What a provider has said about its limit, for one endpoint: no clock and no
 * timers of its own (every method takes the time), so each rule is tested by
 * calling it with times (test/unit/pace.test.ts). gate.ts asks it when the
 * next request may go; README, "Speed and rate limits", describes the rules
 * for users. Each rule names the provider behaviour it serves.
 */

/** What the provider's `X-RateLimit-*` headers said (retry.ts reads them). */
export interface RateLimitHint {
	limit?: number;
	remaining?: number;
	/** Epoch ms. */
	resetAt?: number;
}

/** A limit the provider documents: at most `requests` per `perMs`, paced from the first request (e.g. 5 calls/s). */
export interface DocumentedRate {
	requests: number;
	perMs: number;
}

/** Why the next request waits: the provider asked (`pause`), its budget is spent, or the pace. */
export type HoldReason = 'pause' | 'budget' | 'pace';

/** Slack on every window, so a pace computed from the provider's numbers does not land on its boundary. */
const WINDOW_MARGIN_MS = 50;
/** A pause ends up to this share of its length later (at most a second). */
const PAUSE_JITTER = 0.2;

export class Pace {
	/** Requests per `windowMs`; undefined: the provider has not said, nothing is paced. */
	private rate: number | undefined;

	private windowMs = 1000 + WINDOW_MARGIN_MS;

	/** `X-RateLimit-Limit`: the pace climbs back to it, never above. */
	private ceiling: number | undefined;

	/**
	 * Times within the last window that count against the pace, oldest first:
	 * send times, or answer times under a documented limit (see `sent`).
	 */
	private readonly countedTimes: number[] = [];

	/** Under a documented limit: requests sent and not yet answered. */
	private unanswered = 0;

	private sends = 0;

	/** `X-RateLimit-Remaining` as of the send numbered `budgetSeq`, counted down by later sends. */
	private budget: number | undefined;

	private budgetResetAt = 0;

	private budgetSeq = -1;

	private pausedUntil = 0;

	private lastRefusedAt = Number.NEGATIVE_INFINITY;

	private lastRateChangeAt = Number.NEGATIVE_INFINITY;

	/** `sends` at the last change of the pace. */
	private sendsAtLastChange = 0;

	constructor(private readonly documented?: DocumentedRate) {
		if (documented) {
			this.rate = documented.requests;
			this.windowMs = documented.perMs + WINDOW_MARGIN_MS;
		}
	}

	/** The pace in force (for tests and diagnostics). */
	get current(): DocumentedRate | undefined {
		return this.rate === undefined ? undefined : { requests: this.rate, perMs: this.windowMs };
	}

	/** Records a send; returns its number, which `answered` takes back. */
	sent(now: number): number {
		// A documented limit comes with no header that says how the provider
		// counted: a request counts until its answer, the latest time it can have
		// reached the provider, as a loaded machine or a slow network delays some
		// requests more than others (README, "Speed and rate limits").
		if (this.documented) this.unanswered++;
		else this.countedTimes.push(now);
		if (this.budget !== undefined) this.budget--;
		return this.sends++;
	}

	/**
	 * When the next request may go, and why it waits if it does. A pause the
	 * provider asked for and a spent budget hold until they end, however long:
	 * asking again before then only earns another refusal (gate.ts fails the
	 * callers who cannot wait that long at once).
	 */
	nextSendAt(now: number): { at: number; reason?: HoldReason } {
		if (now < this.pausedUntil) return { at: this.pausedUntil, reason: 'pause' };
		if (this.budget !== undefined && now >= this.budgetResetAt) this.budget = undefined;
		if (this.budget !== undefined && this.budget <= 0) return { at: this.budgetResetAt + WINDOW_MARGIN_MS, reason: 'budget' };
		if (this.rate === undefined) return { at: now };
		this.climbIfQuiet(now);
		const windowStart = now - this.windowMs;
		let old = 0;
		while (old < this.countedTimes.length && this.countedTimes[old] <= windowStart) old++;
		if (old > 0) this.countedTimes.splice(0, old);
		const counted = this.countedTimes.length + this.unanswered;
		if (counted < this.rate) return { at: now };
		// The whole window unanswered: none of it can leave the window sooner than this (the gate asks again at each answer).
		if (this.unanswered >= this.rate) return { at: now + this.windowMs, reason: 'pace' };
		return { at: this.countedTimes[counted - this.rate] + this.windowMs + 1, reason: 'pace' };
	}

	/**
	 * What an answer said. `refusedUntil`: a 429 and when its provider said to
	 * come back; `random` in [0, 1) spreads the end of the pause.
	 */
	answered(seq: number, now: number, hint: RateLimitHint | undefined, refusedUntil?: number, random = 0): void {
		if (this.documented) {
			this.unanswered--;
			this.countedTimes.push(now);
		}
		if (refusedUntil !== undefined) {
			// Everyone waits the retry time: asking sooner only earns more 429s. Once
			// the pace is known and the provider says when its window frees (nothing
			// remaining until X-RateLimit-Reset), the others wait only for
			// that; the refused request itself still waits its Retry-After (transport).
			const resetAt = hint?.remaining === 0 ? hint.resetAt : undefined;
			const until = this.rate !== undefined && resetAt !== undefined && resetAt < refusedUntil ? resetAt : refusedUntil;
			// Several n8n processes (queue-mode workers) refused together should not come back together.
			const jitter = random * Math.min(1000, Math.max(0, until - now) * PAUSE_JITTER);
			this.pausedUntil = Math.max(this.pausedUntil, until + jitter);
			this.slowDown(seq, now);
			this.lastRefusedAt = now;
		}
		if (hint) this.read(hint, seq, now);
	}

	/**
	 * A 429 although paced: someone else spends the same limit (another
	 * queue-mode worker with the same key) or it is lower than it said. A fifth
	 * less, once per change: the refusals of requests sent before the last
	 * change say nothing about the new pace.
	 */
	private slowDown(seq: number, now: number): void {
		if (this.rate === undefined || this.documented || seq < this.sendsAtLastChange) return;
		this.rate = Math.max(1, Math.floor(this.rate * 0.8));
		this.markChange(now);
	}

	/**
	 * Below the limit the provider stated, halfway back after each window
	 * without a refusal: queue-mode workers sharing one key find their
	 * shares, and one takes the whole limit again soon after the other is done
	 * (test/unit/shared-limit.test.ts).
	 */
	private climbIfQuiet(now: number): void {
		if (this.ceiling === undefined || this.rate === undefined || this.rate >= this.ceiling) return;
		if (now - Math.max(this.lastRefusedAt, this.lastRateChangeAt) < this.windowMs) return;
		this.rate += Math.ceil((this.ceiling - this.rate) / 2);
		this.markChange(now);
	}

	private markChange(now: number): void {
		this.lastRateChangeAt = now;
		this.sendsAtLastChange = this.sends;
	}

	private read(hint: RateLimitHint, seq: number, now: number): void {
		if (hint.limit !== undefined && hint.limit > 0 && !this.documented) {
			this.ceiling = hint.limit;
			if (this.rate === undefined) {
				// A limit per window: a second, unless the reset is further away.
				const untilReset = hint.resetAt !== undefined ? hint.resetAt - now : 0;
				this.rate = hint.limit;
				this.windowMs = Math.max(1000, Math.ceil(untilReset / 1000) * 1000) + WINDOW_MARGIN_MS;
				this.markChange(now);
			}
		}
		if (hint.remaining !== undefined && hint.resetAt !== undefined && hint.resetAt > now && seq >= this.budgetSeq) {
			// Requests sent after this one may not be counted in `remaining` yet.
			this.budget = hint.remaining - (this.sends - seq - 1);
			this.budgetResetAt = hint.resetAt;
			this.budgetSeq = seq;
		}
	}
}
