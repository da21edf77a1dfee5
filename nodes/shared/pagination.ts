import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** The `returnAll` and `limit` parameters of every getMany (CONTRACT.md). */
export function returnAllProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** How many results the user asked for; undefined means all of them. */
export function getRequestedCount(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	return Math.max(1, Math.floor(ctx.getNodeParameter('limit', itemIndex, 50) as number));
}

export interface Page<T, C> {
	items: T[];
	/** Where the next page starts; undefined when this was the last page. */
	next?: C;
}

/**
 * Fetches pages until `wanted` items are collected or the provider has no more,
 * asking each page for no more than is still needed. APIs that number their
 * pages (page N starts at N × size) need one size for every page:
 * `constantPageSize`.
 */
export async function collectPages<T, C>(
	fetchPage: (cursor: C | undefined, pageSize: number) => Promise<Page<T, C>>,
	wanted: number | undefined,
	maxPageSize: number,
	options: { constantPageSize?: boolean } = {},
): Promise<T[]> {
	const collected: T[] = [];
	const fixedSize = Math.min(maxPageSize, wanted ?? maxPageSize);
	let cursor: C | undefined;
	for (;;) {
		const remaining = wanted === undefined ? maxPageSize : wanted - collected.length;
		const pageSize = options.constantPageSize ? fixedSize : Math.min(maxPageSize, remaining);
		const page = await fetchPage(cursor, pageSize);
		collected.push(...page.items);
		if (wanted !== undefined && collected.length >= wanted) return collected.slice(0, wanted);
		if (page.next === undefined || page.items.length === 0) return collected;
		cursor = page.next;
	}
}
