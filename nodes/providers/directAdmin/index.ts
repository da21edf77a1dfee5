import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { getProviderErrorContext, invalidParameterError, quoteInput } from '../../shared/errors';
import { getValidatedId, resourceLocatorProperty } from '../../shared/locators';
import { collectPages } from '../../shared/pagination';
import type { ProviderModule, RequestContext, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { readProviderTime } from '../../shared/schemas';
import { apiRequest, providerError } from '../../shared/transport';
import {
	DEFAULT_LIFETIME_MINUTES,
	DIRECTADMIN,
	EXPIRY_TOLERANCE_MS,
	LIST_ALL_USERS_PATH,
	LIST_OWN_USERS_PATH,
	LOGIN_URLS_PATH,
	MAX_LIFETIME_MINUTES,
	MAX_NETWORKS,
	SESSION_PATH,
	USERNAME,
	directAdminApi,
	loginUrlSchema,
	sessionSchema,
	userListSchema,
} from './api';
import type { DirectAdminRole } from './api';
import { directAdminCredentialTests } from './credentialTest';
import { isNetwork } from './networks';

export const usernameParameter = { name: 'username', displayName: 'User', idFormat: USERNAME } as const;

export const usernameProperty = resourceLocatorProperty({
	...usernameParameter,
	description: 'The DirectAdmin user to log into',
	searchListMethod: 'searchDirectAdminUsers',
	resourceName: 'user',
	listedBy: 'DirectAdmin\'s List Users shows it, and the DirectAdmin node\'s User › Get Many lists them (field "id")',
});

const loginOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Allowed Networks',
			name: 'allowNetworks',
			type: 'string',
			default: '',
			placeholder: '203.0.113.7, 2001:db8::/32',
			description:
				'Who may open the link: IPv4 or IPv6 addresses or networks (CIDR), separated by commas. Empty lets anyone who has the link open it.',
		},
		{
			displayName: 'Expires In (Minutes)',
			name: 'expiresInMinutes',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_LIFETIME_MINUTES },
			default: DEFAULT_LIFETIME_MINUTES,
			description: `How long the link works, in whole minutes (at most ${MAX_LIFETIME_MINUTES}, a week). Without this option it works ${DEFAULT_LIFETIME_MINUTES} minutes, not DirectAdmin's own default, which can be days.`,
		},
		{
			displayName: 'Page After Log-In',
			name: 'redirectUrl',
			type: 'string',
			default: '',
			placeholder: '/evo/user/email/accounts',
			description: 'A page inside DirectAdmin to open after logging in, as a path starting with /. Empty opens the home page.',
		},
	],
};

interface LoginRequest {
	user: string;
	allowNetworks: string[];
	minutes: number;
	redirectURL?: string;
}

function readLoginRequest(ctx: IExecuteFunctions, itemIndex: number): LoginRequest {
	const user = getValidatedId(ctx, usernameParameter, itemIndex, DIRECTADMIN);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { allowNetworks?: unknown; expiresInMinutes?: unknown; redirectUrl?: unknown };
	const bad = (name: string, problem: string) => invalidParameterError(ctx.getNode(), name, problem, itemIndex, DIRECTADMIN);

	const networksText = options.allowNetworks === undefined || options.allowNetworks === null ? '' : String(options.allowNetworks);
	const allowNetworks = networksText
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
	const notNetwork = allowNetworks.find((entry) => !isNetwork(entry));
	if (notNetwork !== undefined) {
		throw bad('Allowed Networks', `${quoteInput(notNetwork)} is not an IPv4 or IPv6 address or a network in CIDR notation (e.g. 203.0.113.7 or 2001:db8::/32)`);
	}
	if (allowNetworks.length > MAX_NETWORKS) throw bad('Allowed Networks', `${allowNetworks.length} networks are more than the ${MAX_NETWORKS} one link may name`);

	let minutes = DEFAULT_LIFETIME_MINUTES;
	if (options.expiresInMinutes !== undefined && options.expiresInMinutes !== null && options.expiresInMinutes !== '') {
		minutes = Number(options.expiresInMinutes);
		if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_LIFETIME_MINUTES) {
			throw bad('Expires In (Minutes)', `${quoteInput(String(options.expiresInMinutes))} is not a whole number of minutes from 1 to ${MAX_LIFETIME_MINUTES}`);
		}
	}

	const redirect = typeof options.redirectUrl === 'string' ? options.redirectUrl.trim() : '';
	// A path on DirectAdmin itself: `//host` or a scheme would send the person elsewhere once logged in.
	if (redirect && !/^\/(?!\/)[\x21-\x7e]*$/.test(redirect)) {
		throw bad('Page After Log-In', `${quoteInput(redirect)} is not a path inside DirectAdmin (it starts with a single / and holds no spaces)`);
	}
	return { user, allowNetworks, minutes, ...(redirect ? { redirectURL: redirect } : {}) };
}

/** Who the credential is, asked once per node run (or picker search) whatever the number of items. */
const whoByRun = new WeakMap<object, Promise<{ role: DirectAdminRole; username?: string }>>();

async function whoAmI(ctx: RequestContext, itemIndex = 0): Promise<{ role: DirectAdminRole; username?: string }> {
	let known = whoByRun.get(ctx);
	if (!known) {
		known = apiRequest(ctx, directAdminApi, { method: 'GET', path: SESSION_PATH, schema: sessionSchema, itemIndex }).then((session) => ({
			role: session.effectiveRole,
			username: session.effectiveUsername,
		}));
		whoByRun.set(ctx, known);
		// A failure is not remembered: the next item asks again.
		known.catch(() => whoByRun.delete(ctx));
	}
	return await known;
}

/**
 * The users the credential may see: every user for an administrator
 * (CMD_API_SHOW_ALL_USERS), its own for a reseller (CMD_API_SHOW_USERS),
 * chosen by the role DirectAdmin reports, never by trying one and falling
 * back. One unpaged answer.
 */
async function fetchUsers(ctx: RequestContext, itemIndex = 0): Promise<string[]> {
	const { role, username } = await whoAmI(ctx, itemIndex);
	if (role === 'user') {
		throw await providerError(
			ctx,
			directAdminApi,
			{
				provider: DIRECTADMIN,
				code: 'not_reseller',
				httpCode: null,
				message: `DirectAdmin says ${username ?? 'the credential\'s account'} is a user account: only an administrator or a reseller can list users and log in as them`,
				description: "Use an administrator's or reseller's user name, with its password or Login Key, in the credential.",
			},
			itemIndex,
		);
	}
	return await apiRequest(ctx, directAdminApi, {
		method: 'GET',
		path: role === 'admin' ? LIST_ALL_USERS_PATH : LIST_OWN_USERS_PATH,
		answer: 'form',
		schema: userListSchema,
		itemIndex,
	});
}

/** One output item per user: its name as `id` (the User parameter's value). The legacy listing names users only. */
function userItem(name: string): IDataObject {
	return { id: name, username: name };
}

export async function listUsers(ctx: IExecuteFunctions, itemIndex: number, wanted: number | undefined): Promise<IDataObject[]> {
	const users = await collectPages<string>(
		ctx.getNode(),
		{
			provider: DIRECTADMIN,
			noun: 'users',
			startsAt: 'offset',
			maxPageSize: Number.MAX_SAFE_INTEGER,
			key: (name) => name,
			// DirectAdmin lists every user in one answer: the whole listing is one page.
			fetchPage: async () => {
				const all = await fetchUsers(ctx, itemIndex);
				return { items: all, total: all.length };
			},
		},
		wanted,
		itemIndex,
	);
	return users.map(userItem);
}

/**
 * DirectAdmin refuses a login-as it does not allow the way it refuses a wrong
 * password (401). The credential's own session tells the two apart: a wrong
 * password fails again in DirectAdmin's words; a working one means the user
 * is not the caller's to log into.
 */
async function explainLoginAsRefusal(ctx: IExecuteFunctions, user: string, itemIndex: number) {
	const { username } = await whoAmI(ctx, itemIndex);
	const visible = await fetchUsers(ctx, itemIndex);
	const caller = username ?? 'the credential\'s account';
	return await providerError(
		ctx,
		directAdminApi,
		{
			provider: DIRECTADMIN,
			code: 'cannot_login_as',
			httpCode: 401,
			message: `DirectAdmin did not let ${caller} log in as ${user} (UNAUTHORIZED)`,
			description: visible.includes(user)
				? `${user} is one of ${caller}'s users, and DirectAdmin still refused: a Login Key used as the credential's password may not allow logging in as users, or the account may be locked.`
				: `${user} is not among the users ${caller} may log in as: a reseller may log in only as the users it created, an administrator as any user. Check the user name (the DirectAdmin node's User › Get Many lists them).`,
		},
		itemIndex,
	);
}

async function refineMintError(ctx: IExecuteFunctions, error: unknown, user: string, itemIndex: number): Promise<unknown> {
	const code = getProviderErrorContext(error)?.providerCode;
	if (code === 'unauthorized') return await explainLoginAsRefusal(ctx, user, itemIndex);
	if (code === 'access_denied') {
		return await providerError(
			ctx,
			directAdminApi,
			{
				provider: DIRECTADMIN,
				code: 'login_keys_not_allowed',
				httpCode: 403,
				message: `DirectAdmin denied ${user} a login link (ACCESS_DENIED)`,
				description: `Login links are Login Keys, and Login Keys are not allowed for ${user}: the administrator or ${user}'s reseller turns them on in the user's settings (Modify User › Login Keys) or its package.`,
			},
			itemIndex,
		);
	}
	return error;
}

/** RFC 3339 in whole seconds, rounded down: a link never lives longer than asked. */
function expiryIn(minutes: number, now = Date.now()): Date {
	return new Date(Math.floor((now + minutes * 60_000) / 1000) * 1000);
}

/**
 * A link that lives longer than asked (a server that ignored `expires`) is
 * revoked rather than handed on: a login link is a key to the account for
 * as long as it lives.
 */
async function revokeLongLink(ctx: IExecuteFunctions, request: LoginRequest, id: string | null, expires: Date, asked: Date, itemIndex: number) {
	let revoked = false;
	if (id) {
		try {
			await apiRequest(ctx, directAdminApi, {
				method: 'DELETE',
				path: `${LOGIN_URLS_PATH}/${encodeURIComponent(id)}`,
				actAs: request.user,
				schema: z.unknown(),
				itemIndex,
			});
			revoked = true;
		} catch {
			revoked = false;
		}
	}
	return await providerError(
		ctx,
		directAdminApi,
		{
			provider: DIRECTADMIN,
			code: 'lifetime_not_honoured',
			httpCode: null,
			message: `DirectAdmin made the link for ${request.user} work until ${expires.toISOString()}, longer than the ${request.minutes} minute${request.minutes === 1 ? '' : 's'} asked (until ${asked.toISOString()})`,
			description: revoked
				? 'The link was revoked and not passed on. The server may run a DirectAdmin that ignores the requested expiry; set Expires In (Minutes) to its lifetime only if that is acceptable.'
				: `The link could not be revoked: delete it in DirectAdmin, logged in as ${request.user}, under Login Keys (login URLs).`,
		},
		itemIndex,
	);
}

async function mintLoginUrl(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	const request = readLoginRequest(this, itemIndex);
	const asked = expiryIn(request.minutes);
	let answer: z.infer<typeof loginUrlSchema>;
	try {
		answer = await apiRequest(this, directAdminApi, {
			method: 'POST',
			path: LOGIN_URLS_PATH,
			body: {
				allowNetworks: request.allowNetworks,
				expires: asked.toISOString().replace('.000Z', 'Z'),
				...(request.redirectURL ? { redirectURL: request.redirectURL } : {}),
			},
			// The link logs into the account the request is authenticated as: the user, through login-as.
			actAs: request.user,
			schema: loginUrlSchema,
			itemIndex,
		});
	} catch (error) {
		throw await refineMintError(this, error, request.user, itemIndex);
	}
	const expires = answer.expires === null ? undefined : readProviderTime(answer.expires);
	if (expires && expires.getTime() > asked.getTime() + EXPIRY_TOLERANCE_MS) {
		throw await revokeLongLink(this, request, answer.id, expires, asked, itemIndex);
	}
	// A login URL works once (DirectAdmin: a one-time login URL).
	return { url: answer.url, resourceId: request.user, expiresAt: answer.expires, singleUse: true };
}

export const directAdminTarget: SsoTarget = {
	value: 'directAdmin',
	displayName: 'DirectAdmin — a user’s control panel',
	description: `A one-time login link to a DirectAdmin user's control panel, made through the administrator's or reseller's login-as (valid ${DEFAULT_LIFETIME_MINUTES} minutes unless set)`,
	provider: DIRECTADMIN,
	target: 'controlPanel',
	credentialType: directAdminApi.credentialType,
	properties: [usernameProperty, loginOptionsProperty],
	mint: mintLoginUrl,
};

export const directAdmin: ProviderModule = {
	provider: DIRECTADMIN,
	servicePackage: {
		node: 'DirectAdmin',
		credential: 'DirectAdminApi',
		icon: 'directAdmin',
		description: 'n8n node for DirectAdmin: list users and mint one-time control panel login links.',
		keywords: ['directadmin', 'control-panel', 'hosting'],
	},
	credentialTests: directAdminCredentialTests,
	listSearch: {
		async searchDirectAdminUsers(this: ILoadOptionsFunctions, filter?: string) {
			const text = filter?.trim().toLowerCase() ?? '';
			const users = await fetchUsers(this);
			return { results: users.filter((name) => name.includes(text)).map((name) => ({ name, value: name })) };
		},
	},
	ssoTargets: [directAdminTarget],
};
