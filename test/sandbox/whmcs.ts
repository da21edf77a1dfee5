import type { PagingQuirks, ProviderSandbox, SandboxContext, SandboxRequest, SandboxResponse } from './types';

/**
 * WHMCS's API as README's "WHMCS" section describes it for users: one
 * endpoint, `POST /includes/api.php`, form fields only (PHP's `$_POST`: a JSON
 * or multipart body has no fields here), and every call carries `action`,
 * `identifier`, `secret` and `responsetype=json`; without `responsetype=json`
 * WHMCS answers XML. Answers are `{ result: "success", … }` or
 * `{ result: "error", message }`, nearly always with HTTP 200, so a client must
 * read `result`, not the status. There is no rate limit.
 *
 * In order, as WHMCS does: the caller's IP (lifted by the `accesskey`, query
 * or form, and by nothing else), then the API credential, then the action's
 * existence, then the credential's API role. Actions: GetClients,
 * GetClientsProducts, GetClientsDomains (paged with `limitstart`/`limitnum`)
 * and CreateSsoToken, whose link is redeemable once at `GET /whmcs/login/<token>`.
 *
 * Field values are read from the query string too (PHP's `$_REQUEST`; the
 * form wins), as WHMCS does, but a request with `identifier` or `secret` in
 * the query is recorded in `secretsInQuery`: it works, and leaks the secret
 * into every proxy and access log on the way.
 */

/** The API access key of the sandbox WHMCS's configuration.php: lifts the IP restriction only. */
export const WHMCS_KEY = 'whmcs_sandbox_accesskey_0123456789';

/** API credentials (Configuration › System Settings › Manage API Credentials), one per API role. */
export const WHMCS_API_CREDENTIALS = {
	/** Role allowing every action. */
	full: {
		identifier: 'whmcsSandboxIdentifier0123456789ABCDEF',
		secret: 'whmcsSandboxSecret0123456789abcdefABCDEF',
	},
	/** Role allowing GetClients, GetClientsProducts and GetClientsDomains; not CreateSsoToken. */
	listOnly: {
		identifier: 'whmcsSandboxListOnlyIdentifier012345678',
		secret: 'whmcsSandboxListOnlySecret0123456789abcd',
	},
	/** Role allowing CreateSsoToken only. */
	ssoOnly: {
		identifier: 'whmcsSandboxSsoOnlyIdentifier0123456789',
		secret: 'whmcsSandboxSsoOnlySecret0123456789abcde',
	},
} as const;

/** The full-role API credential (every action); the one the Custom provider's tests use. */
export const WHMCS_API_CREDENTIAL = WHMCS_API_CREDENTIALS.full;

type Role = keyof typeof WHMCS_API_CREDENTIALS;

/** The Custom credential (ssoLinkCustomApi) for the sandbox WHMCS, as README's WHMCS recipe sets it up. */
export function whmcsCredentialData(baseUrl: string) {
	return {
		baseUrl,
		keyLocation: 'query',
		queryName: 'accesskey',
		apiKey: WHMCS_KEY,
		bodyFields: {
			values: [
				{ name: 'identifier', value: WHMCS_API_CREDENTIAL.identifier },
				{ name: 'secret', value: WHMCS_API_CREDENTIAL.secret },
			],
		},
	};
}

/** Every `destination` CreateSsoToken accepts; absent or empty means the client area home. */
export const WHMCS_DESTINATIONS = [
	'clientarea:homepage',
	'clientarea:profile',
	'clientarea:billing_info',
	'clientarea:emails',
	'clientarea:services',
	'clientarea:product_details',
	'clientarea:domains',
	'clientarea:domain_details',
	'clientarea:domain_dns',
	'clientarea:domain_nameservers',
	'clientarea:invoices',
	'clientarea:tickets',
	'clientarea:submit_ticket',
	'clientarea:shopping_cart',
	'clientarea:upgrade',
	'sso:custom_redirect',
] as const;

export type WhmcsDestination = (typeof WHMCS_DESTINATIONS)[number];

/** Destinations that name a service (`service_id`) or a domain (`domain_id`) of the client. */
const SERVICE_DESTINATIONS: readonly string[] = ['clientarea:product_details', 'clientarea:upgrade'];
const DOMAIN_DESTINATIONS: readonly string[] = ['clientarea:domain_details', 'clientarea:domain_dns', 'clientarea:domain_nameservers'];

/** The actions this sandbox knows, by lowercased name (WHMCS matches actions case-insensitively). */
const ACTIONS = ['GetClients', 'GetClientsProducts', 'GetClientsDomains', 'CreateSsoToken'] as const;
type Action = (typeof ACTIONS)[number];

const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
	full: ACTIONS,
	listOnly: ['GetClients', 'GetClientsProducts', 'GetClientsDomains'],
	ssoOnly: ['CreateSsoToken'],
};

/** WHMCS's error messages, word for word; functions for those that name something. */
export const WHMCS_ERRORS = {
	invalidIp: 'Invalid IP 127.0.0.1',
	authenticationFailed: 'Authentication Failed',
	commandNotFound: 'Command Not Found',
	invalidPermissions: (action: string) => `Invalid Permissions: API action "${action.toLowerCase()}" is not allowed`,
	/** GetClientsProducts / GetClientsDomains with an unknown `clientid`. */
	clientNotFound: 'Client Not Found',
	/**
	 * CreateSsoToken with a `client_id` no client has. Kept from the first
	 * sandbox: the Custom provider's tests (ssoLink, faults, e2e examples) read it.
	 */
	clientIdNotFound: 'Client ID Not Found',
	/** CreateSsoToken with a `client_id` that is not a positive whole number. */
	invalidClientId: 'Invalid client_id',
	invalidUserId: 'Invalid user_id',
	invalidUserIdForClient: 'Invalid user_id for client',
	clientOrUserRequired: 'A valid client_id or user_id is required',
	invalidDestination: 'Invalid destination',
	notProvisioned: (reason: string) => `Token could not be provisioned: ${reason}`,
	ssoBlocked: (clientId: number) => `SSO authentication blocked for client ${clientId}`,
} as const;

/** WHMCS's page size when `limitnum` is absent, 0 or not a number. */
const DEFAULT_LIMIT = 25;

/** How long a CreateSsoToken token is valid, in seconds. */
export const WHMCS_SSO_TOKEN_LIFETIME_SECONDS = 60;

/** A client as GetClients lists it. `id` and `groupid` are numbers there. */
export interface WhmcsClient {
	id: number;
	firstname: string;
	lastname: string;
	companyname: string;
	email: string;
	datecreated: string;
	groupid: number;
	status: 'Active' | 'Inactive' | 'Closed';
}

/**
 * A service as GetClientsProducts lists it (a subset of WHMCS's fields, with
 * its names). Its own ids are numbers; `clientid` and money are strings, as
 * WHMCS sends them. `password` is the service's decrypted password, which
 * WHMCS really returns: it must never reach node output.
 */
export interface WhmcsService {
	id: number;
	clientid: string;
	orderid: number;
	pid: number;
	regdate: string;
	name: string;
	groupname: string;
	domain: string;
	dedicatedip: string;
	serverid: number;
	servername: string;
	serverip: string;
	serverhostname: string;
	firstpaymentamount: string;
	recurringamount: string;
	paymentmethod: string;
	billingcycle: string;
	nextduedate: string;
	status: 'Pending' | 'Active' | 'Suspended' | 'Terminated' | 'Cancelled';
	username: string;
	password: string;
}

/** A domain as GetClientsDomains lists it. `id` is a number, `userid` (the client) a string. */
export interface WhmcsDomain {
	id: number;
	userid: string;
	orderid: number;
	regtype: 'Register' | 'Transfer';
	domainname: string;
	registrar: string;
	regperiod: number;
	firstpaymentamount: string;
	recurringamount: string;
	paymentmethod: string;
	regdate: string;
	expirydate: string;
	nextduedate: string;
	status: 'Active' | 'Pending' | 'Expired' | 'Cancelled';
	dnsmanagement: number;
	emailforwarding: number;
	idprotection: number;
	donotrenew: number;
}

/** A WHMCS 8 user (a login), with the clients it may act for; the first is the one it owns. */
export interface WhmcsUser {
	id: number;
	firstname: string;
	lastname: string;
	email: string;
	clients: number[];
}

/** [firstname, lastname, companyname, status, groupid, e-mail local part when not first.last]; ids are the position + 1. */
const CLIENT_SEED: ReadonlyArray<readonly [string, string, string, WhmcsClient['status'], number, string?]> = [
	['Oliver', 'Smith', 'Smith & Sons Ltd', 'Active', 1],
	['Amelia', 'Jones', '', 'Active', 0],
	['Harry', 'Taylor', 'Taylor Made Web', 'Active', 2],
	['Isla', 'Brown', '', 'Active', 0],
	['Jack', 'Williams', 'Williams Plumbing', 'Inactive', 1],
	['Ava', 'Wilson', 'Wilson Studio', 'Active', 3],
	['Noah', 'Johnson', 'Johnson Legal', 'Active', 2],
	['Mia', 'Davies', '', 'Active', 0],
	['Leo', 'Robinson', 'Robinson Robotics', 'Active', 1],
	['Grace', 'Wright', 'Wright Print', 'Active', 1],
	['George', 'Thompson', '', 'Active', 0],
	['Anna', 'Berg', 'Acme Bakery AB', 'Active', 1],
	['Erik', 'Lindqvist', 'Nordic Bikes', 'Active', 2],
	['Sofia', 'Nilsson', '', 'Active', 0],
	['Lars', 'Johansson', 'Fjord Consulting', 'Active', 2, 'accounts'],
	['Maria', 'Andersson', 'Kaffe & Kod', 'Active', 1],
	['Johan', 'Eriksson', 'Malmö Makers', 'Active', 2],
	['Karin', 'Olsson', 'Old Shop', 'Inactive', 1],
	['Peter', 'Persson', '', 'Active', 0],
	['Åsa', 'Gustafsson', 'Göteborg Grafik', 'Active', 3],
	['Nils', 'Svensson', 'Svensson Bygg', 'Active', 2],
	['Axel', 'Lindberg', 'Lindberg Logistics', 'Active', 2],
	['Emma', 'Larsson', 'Studio Lund', 'Active', 1],
	['Oskar', 'Karlsson', '', 'Active', 0],
	['Ingrid', 'Holm', 'Holm Hosting', 'Active', 3],
	['Anders', 'Sandberg', 'Chargeback Ltd', 'Closed', 2],
	['Henrik', 'Bergström', 'Bergström Bygg', 'Active', 1],
	['Mikael', 'Strand', 'Strand Media', 'Active', 2],
	['Elin', 'Sjöberg', 'Sjöberg Design', 'Active', 1],
	['Linnea', 'Ek', 'Ek & Partners', 'Active', 2],
	['Gustav', 'Berglund', '', 'Active', 0],
	['Frida', 'Lund', 'Spam Traders', 'Closed', 0],
	['Viktor', 'Nyström', 'Nyström Web', 'Inactive', 1],
	['Hanna', 'Forsberg', '', 'Active', 0],
	['Ebba', 'Wallin', 'Wallin Foto', 'Active', 1],
	['Filip', 'Engström', 'Engström Data', 'Active', 3],
	['Julia', 'Hedlund', '', 'Active', 0],
	['Matilda', 'Björk', 'Björk Blommor', 'Active', 1],
	['Simon', 'Åberg', 'Åberg Audio', 'Active', 3],
	['Wilma', 'Ström', 'Bergen Bikes AS', 'Active', 2],
	['Adam', 'Sundqvist', 'Sundqvist Solutions', 'Active', 2],
	['Anna', 'Lindqvist', '', 'Active', 0],
	['Lucas', 'Ekberg', 'Ekberg Events', 'Active', 1],
	['Alice', 'Moreau', 'Moreau Conseil', 'Active', 3],
	['Louis', 'Dubois', '', 'Active', 0],
	['Chloé', 'Lambert', 'Lambert Lumière', 'Active', 1],
	['Hugo', 'Fontaine', 'Fontaine Fromages', 'Inactive', 2],
	['Lena', 'Schmidt', 'Schmidt Software GmbH', 'Active', 3],
	['Felix', 'Müller', '', 'Active', 0],
	['Marie', 'Schneider', 'Schneider Schuhe', 'Active', 1],
	['Paul', 'Fischer', 'Fischer Fotografie', 'Active', 2],
	['Clara', 'Weber', '', 'Closed', 0],
	['Jonas', 'Meyer', 'Meyer Metallbau', 'Active', 1],
	['Sara', 'Rossi', 'Rossi Ristorante', 'Active', 2],
	['Luca', 'Russo', '', 'Active', 0],
	['Giulia', 'Ferrari', 'Ferrari Fiori', 'Active', 3],
	['Marco', 'Esposito', 'Esposito Edilizia', 'Active', 1],
	['Elena', 'Bianchi', '', 'Active', 0],
	['Pedro', 'García', 'García Guitarras', 'Active', 2],
	['Lucía', 'Martínez', 'Martínez Muebles', 'Active', 1],
];

/** An ordinary active client with services, domains and a second (non-owner) user: Anna Berg of Acme Bakery AB. */
export const WHMCS_CLIENT = 12;
/** A client that turned single sign-on off (WHMCS's "Allow Single Sign-On" unticked): CreateSsoToken refuses it. */
export const WHMCS_SSO_BLOCKED_CLIENT = 9;
/** A client with neither services nor domains: its listings are empty. */
export const WHMCS_CLIENT_WITHOUT_SERVICES = 31;
/** Clients with no services / no domains (the first has neither). */
const NO_SERVICES = new Set([31, 44, 50]);
const NO_DOMAINS = new Set([31, 38, 44]);

/**
 * Searches that tell WHMCS's start-of-field matching from a substring match,
 * with the ids they find (in id order). `berg` finds last names Berg,
 * Bergström and Berglund and company Bergen Bikes AS, but not Lindberg,
 * Sandberg, Ekberg or Sjöberg.
 */
export const WHMCS_SEARCHES = {
	berg: [12, 27, 31, 40],
	/** First name of two clients. */
	anna: [12, 42],
	/** Full name. */
	'anna b': [12],
	/** E-mail local part only (the address is accounts@…, the name Lars Johansson). */
	accounts: [15],
	/** Company only. */
	'acme bak': [12],
	/** Nothing starts with it, though Lindberg, Sandberg and Ekberg contain it. */
	erg: [],
} as const;

function ascii(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}

/** A site name for a client: its company, else its name, lowercase letters and digits. */
function slugOf(seed: (typeof CLIENT_SEED)[number]): string {
	return ascii(seed[2] || `${seed[0]}${seed[1]}`)
		.replace(/\b(ab|ltd|gmbh|as)\b/g, '')
		.replace(/[^a-z0-9]+/g, '');
}

/** YYYY-MM-DD, `days` after 2019-01-01 (UTC), so every seed date is fixed. */
function day(days: number): string {
	return new Date(Date.UTC(2019, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);
}

function seedClients(): WhmcsClient[] {
	return CLIENT_SEED.map(([firstname, lastname, companyname, status, groupid, local], index) => {
		const id = index + 1;
		const seed = CLIENT_SEED[index];
		return {
			id,
			firstname,
			lastname,
			companyname,
			email: `${local ?? ascii(`${firstname}.${lastname}`).replace(/[^a-z.]+/g, '')}@${slugOf(seed)}.example`,
			datecreated: day(id * 23),
			groupid,
			status,
		};
	});
}

/** The sandbox's product catalogue: [pid, name, group, server id, server hostname, monthly price]. */
const PRODUCTS: ReadonlyArray<readonly [number, string, string, number, string, string]> = [
	[1, 'Starter Hosting', 'Shared Hosting', 1, 'cp1.sandbox-host.example', '4.95'],
	[2, 'Business Hosting', 'Shared Hosting', 1, 'cp1.sandbox-host.example', '9.95'],
	[3, 'WordPress Pro', 'WordPress Hosting', 2, 'wp1.sandbox-host.example', '14.95'],
	[4, 'VPS Small', 'VPS', 3, 'vps1.sandbox-host.example', '19.00'],
	[5, 'Email Basic', 'Email', 1, 'cp1.sandbox-host.example', '2.50'],
];

const SERVICE_STATUSES: ReadonlyArray<WhmcsService['status']> = ['Active', 'Active', 'Active', 'Suspended', 'Active', 'Terminated', 'Active', 'Pending'];
const DOMAIN_STATUSES: ReadonlyArray<WhmcsDomain['status']> = ['Active', 'Active', 'Expired', 'Active', 'Pending', 'Active', 'Cancelled'];

/** The first service id and the first domain id; far from client ids so a test cannot mix them up unnoticed. */
const FIRST_SERVICE_ID = 1001;
const FIRST_DOMAIN_ID = 5001;

function serviceCount(clientId: number): number {
	return NO_SERVICES.has(clientId) ? 0 : 1 + ((clientId + 1) % 3);
}

function domainCount(clientId: number): number {
	return NO_DOMAINS.has(clientId) ? 0 : 1 + ((clientId + 1) % 2);
}

function domainNames(clientId: number): string[] {
	const slug = slugOf(CLIENT_SEED[clientId - 1]);
	return [`${slug}.example`, `${slug}.shop`].slice(0, domainCount(clientId));
}

/** Every seeded service password, `S3cr3t-svc-pass-<service id>`, for tests that assert none leaks. */
export function whmcsServicePassword(serviceId: number): string {
	return `S3cr3t-svc-pass-${serviceId}`;
}

function seedServices(): WhmcsService[] {
	const services: WhmcsService[] = [];
	let id = FIRST_SERVICE_ID;
	for (let clientId = 1; clientId <= CLIENT_SEED.length; clientId++) {
		const slug = slugOf(CLIENT_SEED[clientId - 1]);
		const domains = domainNames(clientId);
		for (let index = 0; index < serviceCount(clientId); index++, id++) {
			const [pid, name, groupname, serverid, serverhostname, price] = PRODUCTS[(clientId + index) % PRODUCTS.length];
			// WHMCS_CLIENT's services are all active, so its links never depend on a status.
			const status = clientId === WHMCS_CLIENT ? 'Active' : SERVICE_STATUSES[id % SERVICE_STATUSES.length];
			services.push({
				id,
				clientid: String(clientId),
				orderid: id - 900,
				pid,
				regdate: day(clientId * 23 + index * 40),
				name,
				groupname,
				domain: domains[index] ?? `${slug}${index + 1}.sandbox-host.example`,
				dedicatedip: '',
				serverid,
				servername: serverhostname.split('.')[0],
				serverip: `192.0.2.${serverid}`,
				serverhostname,
				firstpaymentamount: price,
				recurringamount: price,
				paymentmethod: 'stripe',
				billingcycle: 'Monthly',
				nextduedate: day(2400 + (id % 28)),
				status,
				username: `${slug.slice(0, 6)}${index + 1}`,
				password: whmcsServicePassword(id),
			});
		}
	}
	return services;
}

function seedDomains(): WhmcsDomain[] {
	const domains: WhmcsDomain[] = [];
	let id = FIRST_DOMAIN_ID;
	for (let clientId = 1; clientId <= CLIENT_SEED.length; clientId++) {
		for (const [index, domainname] of domainNames(clientId).entries()) {
			domains.push({
				id,
				userid: String(clientId),
				orderid: id - 4800,
				regtype: index === 0 ? 'Register' : 'Transfer',
				domainname,
				registrar: 'enom',
				regperiod: 1,
				firstpaymentamount: '12.00',
				recurringamount: '12.00',
				paymentmethod: 'stripe',
				regdate: day(clientId * 23 + index * 40),
				expirydate: day(2500 + (id % 200)),
				nextduedate: day(2486 + (id % 200)),
				status: clientId === WHMCS_CLIENT ? 'Active' : DOMAIN_STATUSES[id % DOMAIN_STATUSES.length],
				dnsmanagement: index === 0 ? 1 : 0,
				emailforwarding: 0,
				idprotection: 0,
				donotrenew: 0,
			});
			id++;
		}
	}
	return domains;
}

/** Every client's owner user is `WHMCS_OWNER_USER_OFFSET + client id`. */
const WHMCS_OWNER_USER_OFFSET = 200;

/** The WHMCS 8 user that owns a client (the one CreateSsoToken logs in without `user_id`). */
export function whmcsOwnerUser(clientId: number): number {
	return WHMCS_OWNER_USER_OFFSET + clientId;
}

/** A second user of WHMCS_CLIENT (invited, not the owner): Bo Berg, who may also act for client 13. */
export const WHMCS_USER = 301;
/** A user of another client only (client 13's owner): `Invalid user_id for client` with WHMCS_CLIENT. */
export const WHMCS_OTHER_USER = whmcsOwnerUser(13);
/** A user with no client at all (its clients were closed and removed). */
export const WHMCS_USER_WITHOUT_CLIENT = 302;

function seedUsers(clients: readonly WhmcsClient[]): WhmcsUser[] {
	return [
		...clients.map((client) => ({
			id: whmcsOwnerUser(client.id),
			firstname: client.firstname,
			lastname: client.lastname,
			email: client.email,
			clients: [client.id],
		})),
		{ id: WHMCS_USER, firstname: 'Bo', lastname: 'Berg', email: 'bo.berg@acmebakery.example', clients: [WHMCS_CLIENT, 13] },
		{ id: WHMCS_USER_WITHOUT_CLIENT, firstname: 'Nora', lastname: 'Nobody', email: 'nora@nowhere.example', clients: [] },
	];
}

/** The seeded clients (ids 1..60; 5, 18, 33, 47 Inactive; 26, 32, 52 Closed). */
export const WHMCS_CLIENTS: readonly WhmcsClient[] = Object.freeze(seedClients());
/** The seeded services (ids from 1001, in client order). */
export const WHMCS_SERVICES: readonly WhmcsService[] = Object.freeze(seedServices());
/** The seeded domains (ids from 5001, in client order). */
export const WHMCS_DOMAINS: readonly WhmcsDomain[] = Object.freeze(seedDomains());
/** The seeded WHMCS 8 users: each client's owner (200 + client id), WHMCS_USER and WHMCS_USER_WITHOUT_CLIENT. */
export const WHMCS_USERS: readonly WhmcsUser[] = Object.freeze(seedUsers(WHMCS_CLIENTS));

/** WHMCS_CLIENT's first service (WordPress Pro on acmebakery.example) and another client's. */
export const WHMCS_SERVICE = WHMCS_SERVICES.find((service) => service.clientid === String(WHMCS_CLIENT))!.id;
export const WHMCS_OTHER_SERVICE = WHMCS_SERVICES.find((service) => service.clientid === '13')!.id;
/** WHMCS_CLIENT's first domain (acmebakery.example) and another client's. */
export const WHMCS_DOMAIN = WHMCS_DOMAINS.find((domain) => domain.userid === String(WHMCS_CLIENT))!.id;
export const WHMCS_OTHER_DOMAIN = WHMCS_DOMAINS.find((domain) => domain.userid === '13')!.id;

/** The seeded client with this id; throws on an id outside the seed so a test typo fails loudly. */
export function whmcsClient(id: number): WhmcsClient {
	const client = WHMCS_CLIENTS.find((entry) => entry.id === id);
	if (!client) throw new Error(`no seeded WHMCS client ${id}`);
	return client;
}

/** One CreateSsoToken that WHMCS granted. */
export interface WhmcsSsoGrant {
	token: string;
	clientId: number;
	userId: number;
	/** As sent; null when absent (the client area home). */
	destination: string | null;
	serviceId?: number;
	domainId?: number;
	redirectPath?: string;
	/** Where the link lands, in words; also shown by the login page. */
	landing: string;
	/** Epoch ms. The shared login route redeems once but does not check this. */
	expiresAt: number;
}

type Fields = Record<string, string>;

/** PHP's `(int)` of a request field: leading digits, else 0. */
function intval(value: string | undefined): number {
	const match = /^\s*[+-]?\d+/.exec(value ?? '');
	return match ? Number.parseInt(match[0], 10) : 0;
}

/** A field that must be a positive whole number: the number, undefined when absent or empty, NaN when malformed. */
function positiveId(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	return /^\s*\d+\s*$/.test(value) && Number(value) > 0 ? Number(value) : Number.NaN;
}

function escapeXml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** WHMCS's XML: each field an element; a list repeats its parent's element name (`<clients><client>…</client><client>…`). */
function toXml(name: string, value: unknown): string {
	if (Array.isArray(value)) return value.map((entry) => toXml(name, entry)).join('');
	if (value !== null && typeof value === 'object') {
		return `<${name}>${Object.entries(value)
			.map(([key, entry]) => toXml(key, entry))
			.join('')}</${name}>`;
	}
	return `<${name}>${escapeXml(value === null || value === undefined ? '' : String(value))}</${name}>`;
}

export class WhmcsSandbox implements ProviderSandbox {
	readonly prefix = 'whmcs';

	clients: WhmcsClient[] = seedClients();

	services: WhmcsService[] = seedServices();

	domains: WhmcsDomain[] = seedDomains();

	users: WhmcsUser[] = seedUsers(this.clients);

	/** Clients whose "Allow Single Sign-On" is off. */
	ssoBlocked = new Set<number>([WHMCS_SSO_BLOCKED_CLIENT]);

	/** Authenticated calls, in order, without `identifier`, `secret` and `accesskey` (query fields merged in). */
	calls: Array<Record<string, unknown>> = [];

	/** Every CreateSsoToken that produced a link, in order. */
	ssoGrants: WhmcsSsoGrant[] = [];

	/**
	 * Requests that carried `identifier` or `secret` in the query string, with
	 * which of the two (never their values). WHMCS accepts them; tests assert
	 * this stays empty.
	 */
	secretsInQuery: Array<{ action: string; names: string[] }> = [];

	/** True: the caller's IP is in WHMCS's allowed list, so no access key is needed. */
	ipAllowed = false;

	/** WHMCS sends "Invalid IP" with HTTP 200 on some installs and 403 on others. */
	ipRefusalStatus: 200 | 403 = 200;

	/** WHMCS sends "Invalid Permissions" with HTTP 200 in most versions, 403 in some. */
	permissionDeniedStatus: 200 | 403 = 200;

	/**
	 * How a listing with no results carries its list: `""` (`clients: ""`,
	 * the default, as WHMCS does), `missing` (no key at all, as some versions)
	 * or `emptyList` (`clients: { client: [] }`). A node must cope with all three.
	 */
	emptyListAs: 'emptyString' | 'missing' | 'emptyList' = 'emptyString';

	/** How the listing pages misbehave (PagingQuirks); all off after reset(). */
	paging: PagingQuirks = {};

	reset(): void {
		this.clients = seedClients();
		this.services = seedServices();
		this.domains = seedDomains();
		this.users = seedUsers(this.clients);
		this.ssoBlocked = new Set([WHMCS_SSO_BLOCKED_CLIENT]);
		this.calls = [];
		this.ssoGrants = [];
		this.secretsInQuery = [];
		this.ipAllowed = false;
		this.ipRefusalStatus = 200;
		this.permissionDeniedStatus = 200;
		this.emptyListAs = 'emptyString';
		this.paging = {};
	}

	errorBody(status: number, _code: string, message: string): SandboxResponse {
		// WHMCS errors carry no code.
		return { status, body: { result: 'error', message } };
	}

	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
		if (request.path !== '/includes/api.php') {
			return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not Found</h1>' };
		}
		// PHP's $_POST: only a POSTed urlencoded form has fields; $_REQUEST adds the query, the form winning.
		const isForm =
			request.method === 'POST' &&
			String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded') &&
			typeof request.body === 'object' &&
			request.body !== null;
		const fields: Fields = { ...Object.fromEntries(request.query), ...(isForm ? (request.body as Fields) : {}) };
		const { identifier, secret, accesskey, ...rest } = fields;
		const action = fields.action ?? '';

		// Recorded before any check: the secret has left the building whatever WHMCS answers.
		const leaked = ['identifier', 'secret'].filter((name) => request.query.has(name));
		if (leaked.length) this.secretsInQuery.push({ action, names: leaked });

		const answer = (status: number, body: Record<string, unknown>): SandboxResponse => {
			if (fields.responsetype === 'json') return { status, body };
			return {
				status,
				headers: { 'content-type': 'text/xml' },
				body: `<?xml version="1.0" encoding="utf-8"?>\n${toXml('whmcsapi', { action, ...body })}`,
			};
		};
		const fail = (message: string, status = 200) => answer(status, { result: 'error', message });

		// The IP first, then the credential, as WHMCS does.
		if (!this.ipAllowed && accesskey !== WHMCS_KEY) return fail(WHMCS_ERRORS.invalidIp, this.ipRefusalStatus);
		const role = (Object.keys(WHMCS_API_CREDENTIALS) as Role[]).find(
			(name) => WHMCS_API_CREDENTIALS[name].identifier === identifier && WHMCS_API_CREDENTIALS[name].secret === secret,
		);
		if (!role) return fail(WHMCS_ERRORS.authenticationFailed);
		this.calls.push(rest);

		const known = ACTIONS.find((name) => name.toLowerCase() === action.toLowerCase());
		if (!known) return fail(WHMCS_ERRORS.commandNotFound);
		if (!ROLE_ACTIONS[role].includes(known)) return fail(WHMCS_ERRORS.invalidPermissions(action), this.permissionDeniedStatus);

		const result = this.act(known, fields, context);
		return typeof result === 'string' ? fail(result) : answer(200, { result: 'success', ...result });
	}

	/** The action's success fields, or its error message. */
	private act(action: Action, fields: Fields, context: SandboxContext): Record<string, unknown> | string {
		switch (action) {
			case 'GetClients':
				return this.getClients(fields);
			case 'GetClientsProducts':
				return this.getClientsProducts(fields);
			case 'GetClientsDomains':
				return this.getClientsDomains(fields);
			case 'CreateSsoToken':
				return this.createSsoToken(fields, context);
		}
	}

	/**
	 * One page: `totalresults` a string, `startnumber` and `numreturned`
	 * numbers, as WHMCS mixes them. `startnumber` echoes the offset asked for,
	 * even when `paging.ignoreOffset` serves the first page again.
	 */
	private page<T>(all: T[], fields: Fields, listKey: string, itemKey: string): Record<string, unknown> {
		const asked = Math.max(0, intval(fields.limitstart));
		const offset = this.paging.ignoreOffset ? 0 : asked;
		const requested = intval(fields.limitnum) > 0 ? intval(fields.limitnum) : DEFAULT_LIMIT;
		const limit = this.paging.pageSizeCap ? Math.min(requested, this.paging.pageSizeCap) : requested;
		const items = all.slice(offset, offset + limit).map((item) => ({ ...item }));
		const body: Record<string, unknown> = { totalresults: String(all.length), startnumber: asked, numreturned: items.length };
		if (items.length) body[listKey] = { [itemKey]: items };
		else if (this.emptyListAs === 'emptyString') body[listKey] = '';
		else if (this.emptyListAs === 'emptyList') body[listKey] = { [itemKey]: [] };
		return body;
	}

	/**
	 * `search` matches the start of the e-mail, first name, last name, full
	 * name or company, ignoring case; `status` filters. Sorted by last name,
	 * then first name, then id (WHMCS's order); `sorting=DESC` reverses it.
	 */
	private getClients(fields: Fields): Record<string, unknown> {
		const search = (fields.search ?? '').trim().toLowerCase();
		const status = (fields.status ?? '').trim().toLowerCase();
		const matches = this.clients
			.filter(
				(client) =>
					(!search ||
						[client.email, client.firstname, client.lastname, `${client.firstname} ${client.lastname}`, client.companyname].some(
							(text) => text.toLowerCase().startsWith(search),
						)) &&
					(!status || client.status.toLowerCase() === status),
			)
			.sort(
				(a, b) =>
					a.lastname.localeCompare(b.lastname, 'en') || a.firstname.localeCompare(b.firstname, 'en') || a.id - b.id,
			);
		if ((fields.sorting ?? '').toUpperCase() === 'DESC') matches.reverse();
		return this.page(matches, fields, 'clients', 'client');
	}

	/** The `clientid` field's client: undefined when absent, else the client or the error. */
	private listedClient(fields: Fields): WhmcsClient | undefined | string {
		if (fields.clientid === undefined || fields.clientid === '') return undefined;
		return this.clients.find((client) => client.id === intval(fields.clientid)) ?? WHMCS_ERRORS.clientNotFound;
	}

	/** Filters `clientid`, `serviceid`, `pid`, `domain`; the filters are echoed as sent (strings) or null. */
	private getClientsProducts(fields: Fields): Record<string, unknown> | string {
		const client = this.listedClient(fields);
		if (typeof client === 'string') return client;
		const matches = this.services.filter(
			(service) =>
				(!client || service.clientid === String(client.id)) &&
				(!fields.serviceid || service.id === intval(fields.serviceid)) &&
				(!fields.pid || service.pid === intval(fields.pid)) &&
				(!fields.domain || service.domain.toLowerCase() === fields.domain.trim().toLowerCase()),
		);
		return {
			clientid: fields.clientid ?? null,
			serviceid: fields.serviceid ?? null,
			pid: fields.pid ?? null,
			domain: fields.domain ?? null,
			...this.page(matches, fields, 'products', 'product'),
		};
	}

	/** Filters `clientid`, `domainid`, `domain`; `clientid` and `domainid` echoed as for products. */
	private getClientsDomains(fields: Fields): Record<string, unknown> | string {
		const client = this.listedClient(fields);
		if (typeof client === 'string') return client;
		const matches = this.domains.filter(
			(domain) =>
				(!client || domain.userid === String(client.id)) &&
				(!fields.domainid || domain.id === intval(fields.domainid)) &&
				(!fields.domain || domain.domainname.toLowerCase() === fields.domain.trim().toLowerCase()),
		);
		return {
			clientid: fields.clientid ?? null,
			domainid: fields.domainid ?? null,
			...this.page(matches, fields, 'domains', 'domain'),
		};
	}

	/**
	 * Who, then whether the client allows SSO, then where. `user_id` alone logs
	 * that user into the first client it may act for; `client_id` alone logs
	 * in the client's owner. Fields a destination does not use are ignored.
	 */
	private createSsoToken(fields: Fields, context: SandboxContext): Record<string, unknown> | string {
		const clientId = positiveId(fields.client_id);
		const userId = positiveId(fields.user_id);
		if (clientId === undefined && userId === undefined) return WHMCS_ERRORS.clientOrUserRequired;
		if (Number.isNaN(clientId)) return WHMCS_ERRORS.invalidClientId;
		let client: WhmcsClient | undefined;
		if (clientId !== undefined) {
			client = this.clients.find((entry) => entry.id === clientId);
			if (!client) return WHMCS_ERRORS.clientIdNotFound;
		}
		let user: WhmcsUser | undefined;
		if (userId !== undefined) {
			user = this.users.find((entry) => entry.id === userId);
			if (!user) return WHMCS_ERRORS.invalidUserId;
			if (client && !user.clients.includes(client.id)) return WHMCS_ERRORS.invalidUserIdForClient;
			if (!client) {
				const [first] = user.clients;
				client = this.clients.find((entry) => entry.id === first);
				if (!client) return WHMCS_ERRORS.notProvisioned(`user ${user.id} has no client account`);
			}
		}
		const target = client as WhmcsClient;
		const owner = user ?? this.users.find((entry) => entry.id === whmcsOwnerUser(target.id));
		if (this.ssoBlocked.has(target.id)) return WHMCS_ERRORS.ssoBlocked(target.id);

		const destination = fields.destination ? fields.destination : null;
		if (destination !== null && !(WHMCS_DESTINATIONS as readonly string[]).includes(destination)) {
			return WHMCS_ERRORS.invalidDestination;
		}
		const grant: Omit<WhmcsSsoGrant, 'token' | 'landing' | 'expiresAt'> = {
			clientId: target.id,
			userId: owner?.id ?? 0,
			destination,
		};
		let where = destination ?? 'client area home';
		if (destination && SERVICE_DESTINATIONS.includes(destination)) {
			const serviceId = positiveId(fields.service_id);
			if (serviceId === undefined) return WHMCS_ERRORS.notProvisioned(`${destination} requires a service_id`);
			const service = this.services.find((entry) => entry.id === serviceId);
			if (!service) return WHMCS_ERRORS.notProvisioned(`service_id ${fields.service_id} not found`);
			if (service.clientid !== String(target.id)) {
				return WHMCS_ERRORS.notProvisioned(`service_id ${service.id} does not belong to client ${target.id}`);
			}
			grant.serviceId = service.id;
			where += `, service ${service.id}`;
		}
		if (destination && DOMAIN_DESTINATIONS.includes(destination)) {
			const domainId = positiveId(fields.domain_id);
			if (domainId === undefined) return WHMCS_ERRORS.notProvisioned(`${destination} requires a domain_id`);
			const domain = this.domains.find((entry) => entry.id === domainId);
			if (!domain) return WHMCS_ERRORS.notProvisioned(`domain_id ${fields.domain_id} not found`);
			if (domain.userid !== String(target.id)) {
				return WHMCS_ERRORS.notProvisioned(`domain_id ${domain.id} does not belong to client ${target.id}`);
			}
			grant.domainId = domain.id;
			where += `, domain ${domain.id}`;
		}
		if (destination === 'sso:custom_redirect') {
			const path = (fields.sso_redirect_path ?? '').trim();
			if (!path) return WHMCS_ERRORS.notProvisioned('sso:custom_redirect requires an sso_redirect_path');
			// A scheme or a protocol-relative `//host` would leave WHMCS: an open redirect.
			if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//') || path.startsWith('\\')) {
				return WHMCS_ERRORS.notProvisioned('sso_redirect_path must be a path inside WHMCS, not an absolute URL');
			}
			grant.redirectPath = path;
			where += `, path ${path}`;
		}

		const landing = `WHMCS client area of client ${target.id} (${target.firstname} ${target.lastname}) as user ${grant.userId}, ${where}`;
		const token = context.issueLoginToken(this.prefix, landing);
		this.ssoGrants.push({ token, ...grant, landing, expiresAt: Date.now() + WHMCS_SSO_TOKEN_LIFETIME_SECONDS * 1000 });
		return { access_token: token, redirect_url: `${context.origin}/${this.prefix}/login/${token}` };
	}
}
