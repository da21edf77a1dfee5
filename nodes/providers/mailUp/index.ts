import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { providerErrorStatus } from '../../shared/errors';
import { collectPages } from '../../shared/pagination';
import type { ProviderModule, SsoTarget } from '../../shared/provider';
import type { MintedLink } from '../../shared/schemas';
import { withoutSecretFields } from '../../shared/schemas';
import { apiRequest, providerError } from '../../shared/transport';
import { LISTS_MAX_PAGE_SIZE, MAILUP, accountInfoSchema, listsPageSchema, mailUpApi, paths, ssoSchema } from './api';
import type { MailUpList } from './api';

export async function getAccount(ctx: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const info = await apiRequest(ctx, mailUpApi, {
		method: 'GET',
		path: paths.accountInfo,
		schema: accountInfoSchema,
		itemIndex,
	});
	return withoutSecretFields(info) as IDataObject;
}

export async function listLists(
	ctx: IExecuteFunctions,
	itemIndex: number,
	wanted: number | undefined,
): Promise<IDataObject[]> {
	// MailUp may serve fewer lists a page than asked for: TotalElementsCount says when all are in.
	const lists = await collectPages<MailUpList>(
		ctx.getNode(),
		{
			provider: MAILUP,
			noun: 'lists',
			startsAt: 'PageNumber',
			totalName: 'TotalElementsCount',
			maxPageSize: LISTS_MAX_PAGE_SIZE,
			key: (entry) => String(entry.idList),
			fetchPage: async ({ pageNumber, pageSize }) => {
				const page = await apiRequest(ctx, mailUpApi, {
					method: 'GET',
					path: paths.lists,
					qs: { PageNumber: pageNumber, PageSize: pageSize },
					schema: listsPageSchema,
					itemIndex,
				});
				return { items: page.Items, total: page.TotalElementsCount };
			},
		},
		wanted,
		itemIndex,
	);
	return lists.map((entry) => ({ id: String(entry.idList), ...(withoutSecretFields(entry) as IDataObject) }));
}

const ssoNotice: INodeProperties = {
	displayName:
		"Console login links are a restricted MailUp feature: MailUp must enable it for your client ID first. The link logs in as the credential's user.",
	name: 'mailUpSsoNotice',
	type: 'notice',
	default: '',
};

async function mintConsoleLink(this: IExecuteFunctions, itemIndex: number): Promise<MintedLink> {
	try {
		const sso = await apiRequest(this, mailUpApi, { method: 'POST', path: paths.sso, schema: ssoSchema, itemIndex });
		// MailUp gives the lifetime (ExpiresIn, seconds) but not whether the link works twice.
		return { url: sso.Link.href, resourceId: null, expiresInSeconds: sso.ExpiresIn, singleUse: null };
	} catch (error) {
		throw await explainSsoNotEnabled(this, itemIndex, error);
	}
}

/**
 * Console SSO is a restricted MailUp feature: until MailUp enables it for the
 * client ID, Console/Sso answers 403 ("…due to permission issue").
 */
async function explainSsoNotEnabled(ctx: IExecuteFunctions, itemIndex: number, error: unknown): Promise<unknown> {
	if (providerErrorStatus(error, MAILUP) !== 403) return error;
	return await providerError(
		ctx,
		mailUpApi,
		{
			provider: MAILUP,
			code: 'sso_not_enabled',
			httpCode: 403,
			message: 'MailUp has not enabled single sign-on (console login links) for this client ID',
			description:
				'Console SSO is a restricted MailUp feature, off until MailUp turns it on. Ask MailUp support to enable "Console/Sso" for your application and give them the client ID from this credential. MailUp said: ' +
				((error as Error).message || 'permission issue'),
		},
		itemIndex,
	);
}

export const mailUpTarget: SsoTarget = {
		value: 'mailUp',
		displayName: 'MailUp — Console',
		description: 'A login to the MailUp console as the credential\'s user, valid for the time MailUp gives',
		provider: MAILUP,
		target: 'console',
		credentialType: mailUpApi.credentialType,
		// In the MailUp node and the SSO Link node alike.
		properties: [ssoNotice],
		mint: mintConsoleLink,
};

export const mailUp: ProviderModule = {
	provider: MAILUP,
	servicePackage: {
		node: 'MailUp',
		credential: 'MailUpApi',
		icon: 'mailUp',
		description: 'n8n node for MailUp: read the account, list lists and mint one-time console login links.',
		keywords: ['mailup', 'email-marketing', 'newsletter'],
	},
	listSearch: {},
	ssoTargets: [mailUpTarget],
};
