/**
 * The soonest any client could answer every execution of a burst under the
 * provider's limit, given when n8n started the node in each of them (ms
 * after the first POST): each execution's request goes at that start or,
 * when `perSecond` went in the second before, one second after the oldest
 * of those (the sandbox counts a sliding second), and its answer takes the
 * provider's latency. With every
 * start at 0 it is the limit alone; when n8n gets to the executions slowly
 * (a loaded machine, queue mode's hand-over to the workers) it is later, and
 * no node could make up a second in which n8n gave it nothing to send.
 */
export function limitFloorMs(startsAfterMs: number[], limit: { perSecond: number; latencyMs: number }): number {
	const sends: number[] = [];
	for (const start of [...startsAfterMs].sort((a, b) => a - b)) {
		const windowFull = sends.length >= limit.perSecond ? sends[sends.length - limit.perSecond] + 1000 : 0;
		sends.push(Math.max(start, windowFull));
	}
	return Math.max(0, ...sends) + limit.latencyMs;
}
