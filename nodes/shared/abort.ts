/**
 * Watching one AbortSignal from many places at once. Every item of a node run
 * that waits for its turn (gate.ts) watches the run's signal: thousands at
 * once on a big run. An EventTarget looks
 * through all of a signal's listeners on every add and remove, so a thousand
 * listeners of their own cost a million steps per run; here each signal gets
 * one listener, and the callers a Set.
 */
const watchers = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/** Calls `listener` with the signal's reason when it aborts; the returned function stops watching. */
export function onAbort(signal: AbortSignal, listener: (reason: unknown) => void): () => void {
	// An aborted signal fires no more events: tell the caller now.
	if (signal.aborted) {
		listener(signal.reason);
		return () => undefined;
	}
	let listeners = watchers.get(signal);
	if (!listeners) {
		const created = new Set<(reason: unknown) => void>();
		listeners = created;
		watchers.set(signal, created);
		signal.addEventListener(
			'abort',
			() => {
				watchers.delete(signal);
				for (const each of [...created]) each(signal.reason);
			},
			{ once: true },
		);
	}
	const own = listeners;
	own.add(listener);
	return () => {
		own.delete(listener);
	};
}
