import { getEventListeners } from 'node:events';

import { onAbort } from '../../nodes/shared/abort';

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

	it('a signal that has aborted already is reported at once, and gets no listener', () => {
		const run = new AbortController();
		const reason = new Error('cancelled');
		run.abort(reason);
		const calls: unknown[] = [];
		onAbort(run.signal, (each) => calls.push(each))();
		expect(calls).toEqual([reason]);
		expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
	});
});
