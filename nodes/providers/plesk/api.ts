import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderFailure } from '../../shared/errors';
import { TRANSPORT_CODES } from '../../shared/errors';
import { CUSTOMER_SERVER } from '../../shared/gate';
import type { IdFormat } from '../../shared/locators';
import type { ProviderApi, ProviderIdentity, RawResponse } from '../../shared/provider';
import { trimBaseUrl } from '../../shared/urls';
import type { PlainXml, XmlNode } from './xml';
import { buildXml, parseXml, toPlain } from './xml';

/** Who this provider is in outputs (`provider: 'plesk'`) and messages. */
export const PLESK: ProviderIdentity = { id: 'plesk', displayName: 'Plesk' };

/** Plesk's XML API (README, "Plesk"): one endpoint, a `<packet>` per request. */
export const AGENT_PATH = '/enterprise/control/agent.php';

/** Where a session token logs in: `{baseUrl}/enterprise/rsession_init.php?PLESKSESSID=…`. */
export const SESSION_INIT_PATH = '/enterprise/rsession_init.php';

/**
 * The protocol version every packet names. Plesk Obsidian's documentation
 * writes its examples with 1.6.9.1; which older Plesk releases accept it is
 * not documented (unconfirmed), so it lives here alone. An older Plesk answers
 * 1005, which the node explains.
 */
export const PROTOCOL_VERSION = '1.6.9.1';

/**
 * How `user_ip` is sent. Obsidian's guide takes it "in plain text or encoded
 * in base64"; older guides show base64 only. Which releases need base64 is
 * not documented (unconfirmed): plain text, as the current guide's example.
 */
export const USER_IP_ENCODING: 'plain' | 'base64' = 'plain';

/**
 * Plesk logins. Plesk's own rules for them are not documented for this API
 * (unconfirmed) and differ between customers, resellers and the administrator,
 * so any text without line breaks or control characters is taken, up to 255
 * characters; the packet escapes it, and Plesk says 1013 for one it lacks.
 */
export const LOGIN: IdFormat = {
	pattern: '^[^\\x00-\\x1f\\x7f]{1,255}$',
	example: 'jdoe',
	inWords: 'a Plesk login, the user name its owner logs in with',
};

export function pleskUrl(credentials: ICredentialDataDecryptedObject): string {
	return trimBaseUrl(credentials.baseUrl);
}

/** A whole request: `<packet version="…">` around one operator's element. */
export function packet(operator: XmlNode): string {
	return `<?xml version="1.0" encoding="UTF-8"?>${buildXml({ name: 'packet', attributes: { version: PROTOCOL_VERSION }, children: [operator] })}`;
}

/** `customer/get` with an empty filter: every customer the caller may see, with their general info. */
export function customersPacket(): string {
	return packet({
		name: 'customer',
		children: [{ name: 'get', children: [{ name: 'filter' }, { name: 'dataset', children: [{ name: 'gen_info' }] }] }],
	});
}

/** `server/create_session` for one login, bound to the address of whoever opens the link. */
export function createSessionPacket(login: string, userIp: string, sourceServer?: string): string {
	const ip = USER_IP_ENCODING === 'base64' ? Buffer.from(userIp).toString('base64') : userIp;
	return packet({
		name: 'server',
		children: [
			{
				name: 'create_session',
				children: [
					{ name: 'login', text: login },
					{
						name: 'data',
						children: [{ name: 'user_ip', text: ip }, { name: 'source_server', text: sourceServer ?? '' }],
					},
				],
			},
		],
	});
}

/** The last body read, so a failure check and a success schema of one answer parse it once. */
let lastRead: { text: string; plain: PlainXml | undefined } | undefined;

/** An answer's `<packet>` as a plain value, or undefined when the text is no XML packet. */
export function readPacket(text: string): PlainXml | undefined {
	if (lastRead?.text === text) return lastRead.plain;
	let plain: PlainXml | undefined;
	try {
		const root = parseXml(text);
		plain = root.name === 'packet' ? toPlain(root) : undefined;
	} catch {
		// XmlSyntaxError, or a body so odd the reader gave up: not a packet either way.
		plain = undefined;
	}
	lastRead = { text, plain };
	return plain;
}

/** One element or several of the same name, always as an array. */
const many = <T extends z.ZodTypeAny>(schema: T) =>
	z.union([z.array(schema), schema.transform((value) => [value] as Array<z.infer<T>>)]);

/** An element that may be empty (`<data/>` reads as ''), as an object. */
const element = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();

/** `<result>` as every operation answers: `ok` or `error` with `errcode` and `errtext`. */
const result = element({
	status: z.string(),
	errcode: z.string().optional(),
	errtext: z.string().optional(),
	id: z.string().optional(),
});

/** `<gen_info>` of one customer. Only `login` is needed; the rest is passed on as Plesk wrote it. */
const genInfo = element({
	login: z.string().min(1),
	pname: z.string().optional(),
	cname: z.string().optional(),
	email: z.string().optional(),
	status: z.string().optional(),
});
export type PleskCustomerInfo = z.infer<typeof genInfo> & Record<string, unknown>;

const customerResult = result.extend({ data: element({ gen_info: genInfo }).optional() });

/** Reads the body's text as a packet for the schemas below. */
const asPacket = z.string().transform((text, ctx) => {
	const plain = readPacket(text);
	if (plain === undefined || typeof plain === 'string') {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a Plesk XML packet' });
		return z.NEVER;
	}
	return plain;
});

/**
 * `customer/get`: one `<result>` per customer (none when there are none: the
 * `<get>` element is then empty). Errors were caught by parsePleskFailure.
 */
export const customersSchema = asPacket.pipe(
	z.object({
		customer: z.object({
			get: z.union([z.literal(''), z.object({ result: many(customerResult) }).passthrough()]),
		}),
	}),
).transform((answer) =>
	// A result without data (an `ok` that lists no one) adds no customer.
	answer.customer.get === '' ? [] : answer.customer.get.result.flatMap((entry) => (entry.data ? [{ id: entry.id, info: entry.data.gen_info }] : [])),
);

/**
 * `server/create_session`: `<result><status>ok</status><id>{token}</id>`.
 * Plesk has made the session when it answers; the token is all the link needs.
 */
export const sessionSchema = asPacket.pipe(
	z.object({
		server: z.object({
			create_session: z.object({
				result: result.extend({
					status: z.literal('ok'),
					// A token goes into a URL: letters, digits and a few marks only (Plesk's are hex).
					id: z.string().regex(/^[A-Za-z0-9._~-]{8,512}$/, 'not a session token'),
				}),
			}),
		}),
	}),
).transform((answer) => answer.server.create_session.result.id);

/**
 * What Plesk's error codes mean for whoever set up the node (README, "Plesk"),
 * from Plesk's error-code table. The words of `errtext` are Plesk's; these are
 * what to do.
 */
export const ERROR_HINTS: Readonly<Record<string, string>> = {
	'1001':
		'Plesk refused the login and password. Check Login and Password in the credential: a Plesk administrator, reseller or customer, as they log in to Plesk.',
	'1005': `This Plesk does not speak XML API protocol ${PROTOCOL_VERSION}; update Plesk (Obsidian speaks it).`,
	'1006':
		'Permission denied: a reseller may log in as itself and its own customers, a customer only as itself. Use the administrator\'s credential, or the owning reseller\'s.',
	'1013': "Plesk has no user with this login. Check it: the Plesk node's Customer › Get Many lists them (field \"id\").",
	'1014': 'Plesk could not read the request packet. This is a fault of the node: please report it.',
	'1017': 'This Plesk does not offer the operation (an old version, or a feature turned off).',
	'1019': 'Plesk refused a value of the request: check the login and the User IP.',
	'11003':
		'Plesk refused the secret key: it is wrong, or it was made for another IP address. A secret key works only from the address it was made for (plesk bin secret_key -c -ip-address <the address n8n connects from>); make one for n8n\'s address, or use a login and password.',
};

export const BASE_URL_HINT =
	"Check the Base URL in the credential: Plesk's address with its port, e.g. https://server.example.com:8443 (the node adds /enterprise/control/agent.php).";

/** The first `<result>` with `status` error anywhere below an operator, with its errcode and errtext. */
function findErrorResult(value: PlainXml | PlainXml[] | undefined, depth = 0): { errcode?: string; errtext?: string } | undefined {
	if (value === undefined || typeof value === 'string' || depth > 8) return undefined;
	if (Array.isArray(value)) {
		for (const entry of value) {
			const found = findErrorResult(entry, depth + 1);
			if (found) return found;
		}
		return undefined;
	}
	if (value.status === 'error') {
		return { errcode: typeof value.errcode === 'string' ? value.errcode : undefined, errtext: typeof value.errtext === 'string' ? value.errtext : undefined };
	}
	for (const key of Object.keys(value)) {
		const found = findErrorResult(value[key], depth + 1);
		if (found) return found;
	}
	return undefined;
}

function pleskError(status: number, said: { errcode?: string; errtext?: string }): ProviderFailure {
	const errcode = said.errcode?.trim();
	const code = errcode && /^\d{1,6}$/.test(errcode) ? errcode : status >= 400 ? TRANSPORT_CODES.http(status) : 'plesk_error';
	const words = said.errtext?.trim() || `Plesk reported error ${errcode ?? 'without a code'}`;
	return { provider: PLESK, code, httpCode: status, message: words, description: ERROR_HINTS[code] };
}

/**
 * Plesk answers its errors with HTTP 200: a `<system>` error when it refused
 * the packet before any operation (wrong login or key, bad packet, protocol
 * version), a `<result>` error inside an operation otherwise. Anything that
 * is not an XML packet is not Plesk's API (a login page, a 404).
 */
export function parsePleskFailure(response: RawResponse): ProviderFailure | undefined {
	const plain = readPacket(response.text ?? '');
	if (plain === undefined || typeof plain === 'string') {
		return {
			provider: PLESK,
			code: response.status >= 200 && response.status < 300 ? 'not_plesk_api' : TRANSPORT_CODES.http(response.status),
			httpCode: response.status,
			message: `Plesk answered HTTP ${response.status} with something other than its API's XML`,
			description: BASE_URL_HINT,
		};
	}
	const system = plain.system;
	if (system !== undefined && typeof system !== 'string' && !Array.isArray(system)) {
		return pleskError(response.status, {
			errcode: typeof system.errcode === 'string' ? system.errcode : undefined,
			errtext: typeof system.errtext === 'string' ? system.errtext : undefined,
		});
	}
	const failed = findErrorResult(plain);
	if (failed) return pleskError(response.status, failed);
	if (response.status >= 200 && response.status < 300) return undefined;
	return { provider: PLESK, code: TRANSPORT_CODES.http(response.status), httpCode: response.status, message: `Plesk answered HTTP ${response.status}` };
}

export const pleskApi: ProviderApi = {
	provider: PLESK,
	credentialType: 'pleskApi',
	baseUrl: pleskUrl,
	secretFields: ['password', 'secretKey'],
	// Who is asking: a login (with its password) or a secret key, on its server.
	identityFields: ['login', 'password', 'secretKey'],
	// The server a hosting company runs itself: the gentle default of customers' servers.
	traffic: CUSTOMER_SERVER,
	headers: { Accept: 'text/xml' },
	skipSslCertificateValidation: (credentials) => credentials.allowUnauthorizedCerts === true,
	parseFailure: parsePleskFailure,
};
