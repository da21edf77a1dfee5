import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, getProviderErrorContext } from './errors';
import { hintWhereLinksAreKept, takeMintedCount } from './keptLinks';
import { RunStopped, beginRun, endRun } from './runSettings';

/** What an operation returns for one input item: one output item, or several (listings). */
export type ItemResult = IDataObject | IDataObject[];

export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<ItemResult>;

/**
 * The only item loop. Runs `operation` for every input item, pairs every output
 * item with its input item and keeps the input order, and under "Continue On
 * Fail" turns a failed item into `{ error, code, httpCode, provider }` while
 * the other items still run. Items run side by side; the provider's
 * gate (gate.ts) decides how many requests actually go out at once.
 * Without "Continue On Fail" the first failure stops the run: no new request
 * starts, and the failure of the earliest item is the one reported.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	operation: ItemOperation,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const settings = beginRun(ctx);
	const continueOnFail = ctx.continueOnFail();
	const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	const results: INodeExecutionData[][] = new Array(items.length);
	const run: { failure?: { itemIndex: number; error: unknown }; nextIndex: number } = { nextIndex: 0 };

	// Another item may have failed while this one was waiting.
	const isEarliestFailure = (itemIndex: number) => run.failure === undefined || itemIndex < run.failure.itemIndex;

	const worker = async () => {
		while (run.failure === undefined && run.nextIndex < items.length) {
			const itemIndex = run.nextIndex++;
			try {
				const result = await operation.call(ctx, itemIndex);
				results[itemIndex] = (Array.isArray(result) ? result : [result]).map((json) => ({
					json,
					pairedItem: { item: itemIndex },
				}));
			} catch (error) {
				if (continueOnFail) {
					// "Continue (using error output)": n8n 1.x and 2.x route an item to the
					// error output by its `error`, and then reduce its JSON to { error:
					// message } (n8n-core WorkflowExecute normalizeNodeErrors); the code,
					// HTTP status and provider stay on that error. On the regular output
					// `error` is left unset, or n8n would reduce the item README describes too.
					results[itemIndex] = [
						{
							json: failedItemJson(error),
							...(toErrorOutput ? { error: asNodeError(ctx.getNode(), error) } : {}),
							pairedItem: { item: itemIndex },
						},
					];
				} else if (!(error instanceof RunStopped) && isEarliestFailure(itemIndex)) {
					run.failure = { itemIndex, error };
					settings.stop(new RunStopped('stopped after an earlier item failed'));
				}
			}
		}
	};

	let minted: number;
	try {
		await Promise.all(Array.from({ length: Math.min(items.length, settings.itemConcurrency) }, worker));
	} finally {
		endRun(ctx);
		minted = takeMintedCount(ctx);
	}
	if (run.failure) throw withItemIndex(ctx, run.failure.error, run.failure.itemIndex);
	hintWhereLinksAreKept(ctx, minted);
	return [results.flat()];
}

/** Operations of a node by resource, then operation name. */
export type OperationTable = Record<string, Record<string, ItemOperation>>;

/**
 * Picks the operation the node's `resource` and `operation` parameters name
 * and runs it for every item. An unknown pair throws: nothing falls back.
 */
export async function routeToOperation(
	ctx: IExecuteFunctions,
	operations: OperationTable,
): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return await runForEachItem(ctx, execute);
}

/** The Continue On Fail item (README, "Errors, retries and Continue On Fail"). */
export function failedItemJson(error: unknown): IDataObject {
	const context = getProviderErrorContext(error);
	const httpCode =
		error instanceof NodeApiError && error.httpCode !== null ? Number(error.httpCode) : null;
	return {
		error: error instanceof Error ? error.message : String(error),
		code: context?.providerCode ?? null,
		httpCode: Number.isFinite(httpCode) ? httpCode : null,
		provider: context?.provider ?? null,
	};
}

function withItemIndex(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	// Anything else is a bug here, not a provider answer: keep its message, add the item.
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
