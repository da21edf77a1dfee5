import { getEventListeners } from 'node:events';

import { onAbort, requestSignal } from '../../nodes/shared/abort';

describe('watching a run signal from many places (abort.ts)', () => {
	it('gives the signal one listener however many watch it, and calls each watcher once with the reason', () => {
		const run = new AbortController();
		const calls: unknown[] = [];
		const stops = Array.from({ length: 1000 }, (_, index) => onAbort(run.signal, (reason) => calls.push([index, reason])));
		expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
		// Watchers that stopped are not called.
		for (const stop of stops.slice(0, 990)) stop();
		const reason = new Error('stopped');
		run.abort(reason);
		expect(calls).toEqual(Array.from({ length: 10 }, (_, index) => [990 + index, reason]));
		expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
	});

	it('a watcher may stop watching while the others are called', () => {
		const run = new AbortController();
		const calls: string[] = [];
		let stopSecond = () => undefined as void;
		onAbort(run.signal, () => {
			calls.push('first');
			stopSecond();
		});
		stopSecond = onAbort(run.signal, () => calls.push('second'));
		run.abort();
		// The first was called with the list as it stood: the second still runs once.
		expect(calls).toEqual(['first', 'second']);
	});

	it('a request signal aborts with its run, carries the reason, and lets go of the run when released', () => {
		const run = new AbortController();
		const first = requestSignal(run.signal);
		const second = requestSignal(run.signal);
		second.release();
		const reason = new Error('cancelled');
		run.abort(reason);
		expect(first.signal.aborted).toBe(true);
		expect(first.signal.reason).toBe(reason);
		expect(second.signal.aborted).toBe(false);
		// A run that has ended already gives an aborted signal at once.
		const late = requestSignal(run.signal);
		expect(late.signal.aborted).toBe(true);
		expect(late.signal.reason).toBe(reason);
		late.release();
	});
});
