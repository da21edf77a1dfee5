import type { IExecuteFunctions } from 'n8n-workflow';

/*
 * Where a run's login links will be kept (README "Login links are
 * credentials"). n8n saves a node's output with the execution when the
 * workflow saves successful executions, and a link lives there until it
 * expires, for anyone who can open the workflow's executions. A run that
 * minted links says so in the editor's output panel.
 */

/** The output field of a minted link that is a credential: each minting node's `sensitiveOutputFields`. */
export const SENSITIVE_LINK_FIELDS = ['url'];

/** Links minted per node run (its execute context, the same for all its items). */
const mintedByRun = new WeakMap<IExecuteFunctions, number>();

export function countMintedLink(ctx: IExecuteFunctions): void {
	mintedByRun.set(ctx, (mintedByRun.get(ctx) ?? 0) + 1);
}

/** The links a run minted, forgotten as they are read. */
export function takeMintedCount(ctx: IExecuteFunctions): number {
	const count = mintedByRun.get(ctx) ?? 0;
	mintedByRun.delete(ctx);
	return count;
}

/**
 * After a run whose output holds `count` live links: an execution hint in
 * the output panel, unless the workflow saves no successful execution. A
 * workflow on the instance's default follows EXECUTIONS_DATA_SAVE_ON_SUCCESS,
 * which a node cannot read, so the hint names both switches.
 */
export function hintWhereLinksAreKept(ctx: IExecuteFunctions, count: number): void {
	// A context without them (a node run as an AI tool on some n8n versions) shows no hints.
	if (count === 0 || typeof ctx.addExecutionHints !== 'function' || typeof ctx.getWorkflowSettings !== 'function') return;
	if (ctx.getWorkflowSettings().saveDataSuccessExecution === 'none') return;
	const links = count === 1 ? '1 live login link' : `${count} live login links`;
	ctx.addExecutionHints({
		type: 'warning',
		location: 'outputPane',
		message: `This output holds ${links}. n8n stores ${count === 1 ? 'it' : 'them'} with the execution when this workflow saves successful production executions, where anyone who can open its executions can use ${count === 1 ? 'it' : 'them'} until ${count === 1 ? 'it expires' : 'they expire'}. To stop that, set Workflow Settings → "Save successful production executions" to "Do not save" (or EXECUTIONS_DATA_SAVE_ON_SUCCESS=none for the whole instance).`,
	});
}
