/**
 * collectPages (nodes/shared/pagination.ts), the one mechanism behind every
 * Return All, against listings kept in memory: the shapes a provider's pages
 * can take that the sandbox cannot make, such as a listing without end.
 * Listings as the providers really page are tested through the sandbox in
 * each provider's suite.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { MAX_PAGES, collectPages } from '../../nodes/shared/pagination';
import type { Listing, Page, PageRequest } from '../../nodes/shared/pagination';

const node: INode = { id: 'n', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };

interface Entry {
	id: string;
}

const entries = (from: number, count: number): Entry[] => Array.from({ length: count }, (_, index) => ({ id: `e${from + index}` }));

function listing(fetchPage: (request: PageRequest) => Page<Entry>, more: Partial<Listing<Entry>> = {}) {
	const requests: PageRequest[] = [];
	return {
		requests,
		listing: {
			provider: { id: 'installatron', displayName: 'Installatron' },
			noun: 'installs',
			startsAt: 'offset',
			totalName: 'total_count',
			maxPageSize: 50,
			key: (entry: Entry) => entry.id,
			fetchPage: async (request: PageRequest) => {
				requests.push(request);
				return fetchPage(request);
			},
			...more,
		} satisfies Listing<Entry>,
	};
}

async function failure(promise: Promise<unknown>): Promise<NodeApiError> {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	return error as NodeApiError;
}

it(`a provider that always says more stops after ${MAX_PAGES} pages, with an error that says so`, async () => {
	const { listing: endless, requests } = listing(
		({ offset }) => ({ items: entries(offset, 1), hasMore: true, nextCursor: `c${offset + 1}` }),
		{ provider: { id: 'hostup', displayName: 'HostUp' }, noun: 'accounts', startsAt: 'cursor', totalName: undefined },
	);
	const error = await failure(collectPages(node, endless, undefined, 0));
	expect(requests).toHaveLength(MAX_PAGES);
	expect(error.message).toBe(`HostUp still had more accounts after ${MAX_PAGES} pages (${MAX_PAGES} accounts); stopped rather than go on without end`);
	expect(error.description).toContain('HostUp error code: invalid_pagination');
	expect(error.context).toMatchObject({ provider: 'hostup', providerCode: 'invalid_pagination' });
});

it('without a total or hasMore, goes on until an empty page, whatever size the pages are', async () => {
	const all = entries(0, 23);
	const { listing: capped, requests } = listing(({ offset, pageSize }) => ({ items: all.slice(offset, offset + Math.min(pageSize, 5)) }));
	expect(await collectPages(node, capped, undefined, 0)).toEqual(all);
	expect(requests.map((request) => request.offset)).toEqual([0, 5, 10, 15, 20, 23]);
});

it('an item listed again on the next page (one was added meanwhile) is kept once', async () => {
	const pages = [entries(0, 3), [...entries(2, 1), ...entries(3, 2)]];
	const { listing: overlapping } = listing(({ offset }) => ({ items: pages[offset === 0 ? 0 : 1], total: 6 }));
	expect((await collectPages(node, overlapping, undefined, 0)).map((entry) => entry.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
});

it('numbered pages whose size changes before the end fail rather than skip or repeat items', async () => {
	const sizes = [30, 30, 25];
	const { listing: uneven } = listing(({ offset }) => ({ items: entries(offset, sizes.shift() ?? 0), total: 200 }), {
		provider: { id: 'mailup', displayName: 'MailUp' },
		noun: 'lists',
		startsAt: 'PageNumber',
		totalName: 'TotalElementsCount',
		maxPageSize: 100,
	});
	const error = await failure(collectPages(node, uneven, undefined, 0));
	expect(error.message).toBe('MailUp answered 25 lists where 30 were asked for, before the end of the listing, so its page numbers no longer line up');
});

it('an empty page while hasMore says more is an error, not a silent stop', async () => {
	const { listing: hollow } = listing(({ offset }) => (offset === 0 ? { items: entries(0, 10), hasMore: true, nextCursor: 'c1' } : { items: [], hasMore: true, nextCursor: 'c2' }), {
		provider: { id: 'hostup', displayName: 'HostUp' },
		noun: 'accounts',
		startsAt: 'cursor',
		totalName: undefined,
	});
	const error = await failure(collectPages(node, hollow, undefined, 0));
	expect(error.message).toBe('HostUp said more accounts follow but answered an empty page after 10 of them');
});

it('a limit stops at the limit even where the provider would go on', async () => {
	const { listing: endless, requests } = listing(({ offset, pageSize }) => ({ items: entries(offset, pageSize), hasMore: true }));
	expect(await collectPages(node, endless, 120, 0)).toHaveLength(120);
	expect(requests.map((request) => request.pageSize)).toEqual([50, 50, 20]);
});
