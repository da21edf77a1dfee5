/**
 * A clock for the timing rules' unit tests (gate.ts, the transport's retry
 * path): time moves only when a test says so, so every wait is exact, and it
 * counts the timers left behind.
 */
import type { Clock } from '../../nodes/shared/gate';

export class FakeClock implements Clock {
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

	/** Timers set and not yet fired or cancelled. */
	get pendingTimers(): number {
		return this.timers.length;
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

export async function settle(): Promise<void> {
	for (let index = 0; index < 10; index++) await Promise.resolve();
}
