import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import { TRANSPORT_CODES, toNodeApiError } from './errors';
import type { ProviderIdentity } from './provider';

/** The `returnAll` and `limit` parameters of every getMany (README, "Return All"). */
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

/** What one page of a listing said. */
export interface Page<T> {
	items: T[];
	/** The provider's count of the whole listing (e.g. `total_count`). */
	total?: number;
	/** Whether the provider says more pages follow (e.g. `hasMore`). */
	hasMore?: boolean;
	/** Where the next page starts, for a cursor API (e.g. `nextCursor`). */
	nextCursor?: string;
}

/** Which page to fetch. */
export interface PageRequest {
	/** Items of the listing before this page: the offset of an API that takes one. */
	offset: number;
	pageSize: number;
	/** `offset / pageSize`, for an API that numbers its pages (always whole there). */
	pageNumber: number;
	/** The provider's cursor; undefined for the first page. */
	cursor?: string;
}

/** One provider listing, as collectPages needs to follow it. */
export interface Listing<T> {
	provider: ProviderIdentity;
	/** What is listed, plural, for messages: "installs". */
	noun: string;
	/**
	 * How a page says where it starts, as the provider's API names it (also for
	 * messages): `offset`; `PageNumber` (pages of one size, page N starting at
	 * N × size); or `cursor` (the previous page's `nextCursor`).
	 */
	startsAt: 'offset' | 'PageNumber' | 'cursor';
	/** The provider's name for `total`, for messages: "total_count". */
	totalName?: string;
	maxPageSize: number;
	/** An item's identity, to tell a page of new items from one already listed. */
	key(item: T): string;
	fetchPage(request: PageRequest): Promise<Page<T>>;
}

/**
 * The last guard against a listing without end: a provider whose every page
 * says more follow, each with new items and a new cursor. 1000 pages are
 * 100 000 accounts or 50 000 installs at full pages, more
 * than any one customer of these providers has; a listing that long wants a
 * Limit anyway.
 */
export const MAX_PAGES = 1000;

/**
 * Fetches pages until `wanted` items are collected (all when undefined) or
 * the provider says there are no more: by its total where it gives one, else
 * by `hasMore` / the cursor, else by an empty page; never by "the page was not
 * full", since servers cap their pages below what was asked for. A page
 * starts where the items received so far end, so a capped page loses nothing.
 *
 * What would stop early or loop is an error that says what the provider did:
 * more announced without a cursor, a cursor given twice, a page of items
 * already listed (the server ignores offset, page number or cursor), a total
 * the pages never reach, MAX_PAGES pages. Items listed twice on overlapping
 * pages (one added meanwhile) are kept once.
 *
 * Numbered pages (`PageNumber`) all have one size; when the server serves
 * fewer than asked, that smaller size is used from then on, so page numbers
 * keep pointing where the items received end.
 */
export async function collectPages<T>(
	node: INode,
	listing: Listing<T>,
	wanted: number | undefined,
	itemIndex: number,
): Promise<T[]> {
	const name = listing.provider.displayName;
	const { noun } = listing;
	const numbered = listing.startsAt === 'PageNumber';
	const fail = (message: string, description: string) =>
		toNodeApiError(
			node,
			{ provider: listing.provider, code: TRANSPORT_CODES.pagination, httpCode: null, message, description },
			[],
			itemIndex,
		);
	const faultAtProvider = `Stopping here would return part of the ${noun} as if it were all of them. This is a fault of ${name}'s listing; try again later, or set a Limit.`;

	const collected: T[] = [];
	const seen = new Set<string>();
	const cursorsGiven = new Set<string>();
	let offset = 0;
	let cursor: string | undefined;
	let numberedSize = Math.min(listing.maxPageSize, wanted ?? listing.maxPageSize);
	for (let pages = 0; ; pages++) {
		if (pages === MAX_PAGES) {
			throw fail(
				`${name} still had more ${noun} after ${MAX_PAGES} pages (${collected.length} ${noun}); stopped rather than go on without end`,
				`No listing of ${name} should be this long. Set a Limit to take the first ${noun} only.`,
			);
		}
		const pageSize = numbered
			? numberedSize
			: Math.min(listing.maxPageSize, wanted === undefined ? listing.maxPageSize : wanted - collected.length);
		const where = listing.startsAt === 'cursor' ? `after ${offset} ${noun}` : `at ${listing.startsAt} ${numbered ? offset / pageSize : offset}`;
		const page = await listing.fetchPage({ offset, pageSize, pageNumber: offset / pageSize, cursor });

		let fresh = 0;
		for (const item of page.items) {
			const key = listing.key(item);
			if (seen.has(key)) continue;
			seen.add(key);
			collected.push(item);
			fresh++;
		}
		if (page.items.length > 0 && fresh === 0) {
			throw fail(
				`${name} answered the page ${where} with ${noun} it had already listed: it ignores ${listing.startsAt === 'cursor' ? 'the cursor' : listing.startsAt}`,
				`Following it would list the same ${noun} again and again. ${faultAtProvider}`,
			);
		}
		offset += page.items.length;
		if (wanted !== undefined && collected.length >= wanted) return collected.slice(0, wanted);

		// Does the provider say more follow?
		if (page.total !== undefined) {
			if (offset >= page.total) return collected;
		} else if (page.hasMore === false) {
			return collected;
		} else if (listing.startsAt === 'cursor') {
			if (page.nextCursor === undefined) {
				if (!page.hasMore) return collected;
				throw fail(`${name} said more ${noun} follow (hasMore) but gave no cursor for them, after ${offset} ${noun}`, faultAtProvider);
			}
		} else if (page.hasMore === undefined && page.items.length === 0) {
			return collected;
		}
		if (page.items.length === 0) {
			const count = page.total !== undefined ? `counts ${page.total} ${noun}${listing.totalName ? ` (${listing.totalName})` : ''}` : `said more ${noun} follow`;
			throw fail(`${name} ${count} but answered an empty page after ${offset} of them`, faultAtProvider);
		}
		if (listing.startsAt === 'cursor') {
			const next = page.nextCursor as string;
			if (cursorsGiven.has(next)) {
				throw fail(`${name} gave a cursor it had already given, after ${offset} ${noun}: following it would list them again`, faultAtProvider);
			}
			cursorsGiven.add(next);
			cursor = next;
		}
		if (numbered && page.items.length < pageSize) {
			// A server cap: ask for what it serves, so page numbers stay in step.
			if (offset % page.items.length !== 0) {
				throw fail(
					`${name} answered ${page.items.length} ${noun} where ${pageSize} were asked for, before the end of the listing, so its page numbers no longer line up`,
					faultAtProvider,
				);
			}
			numberedSize = page.items.length;
		}
	}
}
