import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getProviderErrorContext } from './errors';

/** What an operation returns for one input item: one output item, or several (listings). */
export type ItemResult = IDataObject | IDataObject[];

export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<ItemResult>;

/**
 * The only item loop. Runs `operation` for every input item, pairs every output
 * item with its input item, and under "Continue On Fail" turns a failed item
 * into `{ error, code, httpCode, provider }` while the other items still run.
 *
 * Items run one after another; concurrency belongs here when it comes, so no
 * operation ever loops over items itself.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	operation: ItemOperation,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await operation.call(ctx, itemIndex);
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			if (ctx.continueOnFail()) {
				output.push({ json: failedItemJson(error), pairedItem: { item: itemIndex } });
				continue;
			}
			throw withItemIndex(ctx, error, itemIndex);
		}
	}
	return [output];
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

/** The continueOnFail item of CONTRACT.md. */
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
