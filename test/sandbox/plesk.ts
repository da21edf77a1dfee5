import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

import type { ProviderSandbox, SandboxRequest, SandboxResponse } from './types';

/**
 * Plesk's XML API as README's "Plesk" section describes it: one endpoint,
 * `POST /enterprise/control/agent.php` with `Content-Type: text/xml` and a
 * `<packet>`, authenticated by headers only (`HTTP_AUTH_LOGIN` +
 * `HTTP_AUTH_PASSWD`, or `KEY` with a secret key bound to the IP address it
 * was made for). Every answer is HTTP 200: a request refused before any
 * operation is a `<system>` error (1001 wrong login or password, 1005
 * protocol version, 1014 a packet that cannot be read, 11003 a secret key
 * refused), an operation's failure a `<result>` error inside it (1006 not
 * yours, 1013 no such object, 1019 a bad value).
 *
 * Operations: `server/create_session` (the administrator for anyone, a
 * reseller for itself and its customers, a customer for itself) and
 * `customer/get` with `gen_info` (an empty filter: every customer the caller
 * may see; `login` and `id` filters). A session token logs in once through
 * `GET /enterprise/rsession_init.php?PLESKSESSID=…`, only from the address it
 * was made for: the sandbox takes the opener's address from the socket, or
 * from `X-Forwarded-For` where a test plays a browser elsewhere (as a proxy
 * in front of Plesk passes it). Any other path is a 404 page, as a web server
 * answers. Wordings marked "assumed" are the sandbox's, in Plesk's style.
 */

export const PLESK_ADMIN = { login: 'admin', password: 'PleskAdminSandbox-2026!' } as const;
export const PLESK_RESELLER = { login: 'reseller1', password: 'Reseller1Sandbox-2026!' } as const;
export const PLESK_OTHER_RESELLER = { login: 'reseller2', password: 'Reseller2Sandbox-2026!' } as const;
/** A customer who may log in to the API (as itself only). */
export const PLESK_CUSTOMER = { login: 'jdoe', password: 'JdoeCustomerSandbox-2026!' } as const;

/** Secret keys (`plesk bin secret_key -c`), each bound to an address, all the administrator's. */
export const PLESK_KEYS = {
	/** Made for this machine's loopback address, where n8n and the sandbox run. */
	local: '7f3c9a12-4b8e-4d21-9c5a-0e6b1d2f3a4b',
	/** Made for another address: Plesk refuses it from here (11003). */
	otherIp: 'c0ffee00-1234-4abc-8def-567890abcdef',
} as const;
const KEY_ADDRESSES: Readonly<Record<string, readonly string[]>> = {
	[PLESK_KEYS.local]: ['127.0.0.1', '::1'],
	[PLESK_KEYS.otherIp]: ['192.0.2.50'],
};

/** The protocol versions a current Plesk speaks (1.6.x.y); `versions` plays an older one. */
export const PLESK_PROTOCOL_VERSIONS = /^1\.6\.[0-9]\.\d+$/;

/** Plesk's customer status numbers: 0 active, 16 disabled by the administrator, 256 expired. */
export interface PleskCustomer {
	id: number;
	login: string;
	pname: string;
	cname: string;
	email: string;
	status: '0' | '16' | '256';
	/** The reseller that owns it, or `admin`. */
	owner: string;
	/** Plesk's stored password hash: gen_info carries one; the node must never output it. */
	password: string;
	guid: string;
}

/** [login, person, company, owner, status] */
const SEED: ReadonlyArray<readonly [string, string, string, string, PleskCustomer['status']?]> = [
	[PLESK_CUSTOMER.login, 'Jane Doe', '', 'admin'],
	['acme', 'Anna Berg', 'Acme Bakery AB', 'admin'],
	['malmomakers', 'Olof Nilsson', 'Malmö Makers', 'admin'],
	['nordicbikes', 'Erik Lund', 'Nordic Bikes', 'admin'],
	['oldshop', 'Per Holm', 'Old Shop', 'admin', '16'],
	['studiolund', 'Sara Lund', 'Studio Lund', 'admin'],
	['fjordcons', 'Ingrid Dahl', 'Fjord Consulting', 'admin', '256'],
	['kaffekod', 'Nils Ek', 'Kaffe & Kod', 'admin'],
	['lakeside', 'Lisa Strand', 'Lakeside Rentals', PLESK_RESELLER.login],
	['pinecafe', 'Karl Wall', 'Pine Café', PLESK_RESELLER.login],
	['harborlaw', 'Maria Sjö', 'Harbor Law', PLESK_RESELLER.login],
	['sunbakery', 'Tove Sol', 'Sun Bakery', PLESK_OTHER_RESELLER.login],
	['oakfarm', 'Gustav Ek', 'Oak Farm', PLESK_OTHER_RESELLER.login],
];

function makeCustomer(index: number, [login, pname, cname, owner, status]: (typeof SEED)[number]): PleskCustomer {
	return {
		id: index + 1,
		login,
		pname,
		cname,
		email: `${login}@customers.example`,
		status: status ?? '0',
		owner,
		password: `$AES-128-CBC$${Buffer.from(`hash-of-${login}`).toString('base64')}`,
		guid: `5a1f0c${String(index + 1).padStart(2, '0')}-0000-4000-8000-00000000${String(index + 1).padStart(4, '0')}`,
	};
}

export const PLESK_CUSTOMERS: readonly PleskCustomer[] = Object.freeze(SEED.map((fields, index) => makeCustomer(index, fields)));

/** The customers a Plesk user sees: every one for the administrator, its own for a reseller, itself for a customer. */
export function pleskCustomersOf(login: string): PleskCustomer[] {
	if (login === PLESK_ADMIN.login) return [...PLESK_CUSTOMERS];
	return PLESK_CUSTOMERS.filter((customer) => customer.owner === login || customer.login === login);
}

const PASSWORDS: Readonly<Record<string, string>> = {
	[PLESK_ADMIN.login]: PLESK_ADMIN.password,
	[PLESK_RESELLER.login]: PLESK_RESELLER.password,
	[PLESK_OTHER_RESELLER.login]: PLESK_OTHER_RESELLER.password,
	[PLESK_CUSTOMER.login]: PLESK_CUSTOMER.password,
};
const RESELLERS: ReadonlySet<string> = new Set([PLESK_RESELLER.login, PLESK_OTHER_RESELLER.login]);

export interface PleskCall {
	/** `server/create_session`, `customer/get`, … */
	operation: string;
	/** Who the headers authenticated. */
	caller: string;
	auth: 'password' | 'key';
	/** `create_session`'s login, as Plesk read it (escapes resolved). */
	login?: string;
	contentType: string;
}

export interface PleskSession {
	token: string;
	login: string;
	/** The address the session is bound to (base64 decoded, IPv6 by value). */
	userIp: string;
	/** `user_ip` as the packet carried it. */
	userIpSent: string;
	sourceServer: string;
	caller: string;
	used: boolean;
}

/** An element of a request packet, as the sandbox reads it (its own reader: the node's is what is tested). */
interface Element {
	name: string;
	attributes: Record<string, string>;
	children: Element[];
	text: string;
}

const TOKEN =
	/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/g;

function decodeEntities(text: string): string {
	return text.replace(/&([^;]*);|&/g, (whole, name?: string) => {
		const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
		if (name !== undefined && Object.hasOwn(named, name)) return named[name];
		const numeric = name === undefined ? null : /^#(x[0-9a-f]+|\d+)$/i.exec(name);
		if (numeric) return String.fromCodePoint(numeric[1][0].toLowerCase() === 'x' ? parseInt(numeric[1].slice(1), 16) : Number(numeric[1]));
		throw new Error(`bad reference ${whole}`);
	});
}

/** A packet as Plesk reads it, or undefined when it is not well-formed XML. */
function readPacket(text: string): Element | undefined {
	const stack: Element[] = [];
	let root: Element | undefined;
	try {
		for (const match of text.matchAll(TOKEN)) {
			const [whole, cdata, closing, opening, attributeText, selfClosing, chars, stray] = match;
			const current = stack.at(-1);
			if (stray !== undefined) return undefined;
			if (whole.startsWith('<?') || whole.startsWith('<!--')) continue;
			if (cdata !== undefined) {
				if (!current) return undefined;
				current.text += cdata;
			} else if (closing !== undefined) {
				if (current?.name !== closing) return undefined;
				stack.pop();
			} else if (opening !== undefined) {
				if (!current && root) return undefined;
				const attributes: Record<string, string> = {};
				for (const [, name, , double, single] of (attributeText ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
					attributes[name] = decodeEntities(double ?? single ?? '');
				}
				const element: Element = { name: opening, attributes, children: [], text: '' };
				if (current) current.children.push(element);
				else root = element;
				if (!selfClosing) stack.push(element);
			} else if (chars !== undefined) {
				if (current) current.text += decodeEntities(chars);
				else if (chars.trim() !== '') return undefined;
			}
		}
	} catch {
		return undefined;
	}
	return stack.length === 0 ? root : undefined;
}

const child = (element: Element | undefined, name: string) => element?.children.filter((entry) => entry.name === name) ?? [];

function escape(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** An XML answer, always HTTP 200 as Plesk sends them. */
function xml(body: string, status = 200): SandboxResponse {
	return { status, headers: { 'content-type': 'text/xml; charset=UTF-8' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<packet version="1.6.9.1">${body}</packet>` };
}

function systemError(errcode: number, errtext: string): SandboxResponse {
	return xml(`<system><status>error</status><errcode>${errcode}</errcode><errtext>${escape(errtext)}</errtext></system>`);
}

function resultError(errcode: number, errtext: string, extra = ''): string {
	return `<result><status>error</status><errcode>${errcode}</errcode><errtext>${escape(errtext)}</errtext>${extra}</result>`;
}

/** The address a request came from, as Plesk compares it: IPv4-mapped IPv6 read as IPv4, IPv6 in lower case. */
function normalizeAddress(address: string): string {
	const plain = address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
	if (isIP(plain) === 6) {
		// Compare IPv6 addresses by value, not spelling.
		const url = new URL(`http://[${plain}]/`);
		return url.hostname.slice(1, -1);
	}
	return plain;
}

/** `user_ip` as given: plain, or base64 as older Plesk releases want it. */
function readUserIp(text: string): string | undefined {
	const plain = text.trim();
	if (isIP(plain)) return normalizeAddress(plain);
	if (/^[A-Za-z0-9+/]+={0,2}$/.test(plain)) {
		const decoded = Buffer.from(plain, 'base64').toString('utf8');
		if (isIP(decoded)) return normalizeAddress(decoded);
	}
	return undefined;
}

export class PleskSandbox implements ProviderSandbox {
	readonly prefix = 'plesk';

	/** Every packet that passed authentication, in order, without secrets. */
	calls: PleskCall[] = [];

	sessions: PleskSession[] = [];

	/** Requests that carried a password or key anywhere but their headers (the URL or the packet). */
	secretOutsideHeaders = 0;

	/** The protocol versions this Plesk speaks; a test narrows it to play an older Plesk (1005). */
	versions: RegExp = PLESK_PROTOCOL_VERSIONS;

	reset(): void {
		this.calls = [];
		this.sessions = [];
		this.secretOutsideHeaders = 0;
		this.versions = PLESK_PROTOCOL_VERSIONS;
	}

	errorBody(status: number, _code: string, message: string): SandboxResponse {
		// Plesk documents no HTTP error statuses; the shared faults' 429s and 5xx stand for what a
		// proxy or PHP in front of agent.php sends, shaped as a system error (assumed) so their words arrive.
		return xml(`<system><status>error</status><errtext>${escape(message)}</errtext></system>`, status);
	}

	handle(request: SandboxRequest): SandboxResponse {
		const secrets = [...Object.values(PASSWORDS), ...Object.values(PLESK_KEYS)];
		if (secrets.some((secret) => request.rawBody.includes(secret) || decodeURIComponent(request.query.toString()).includes(secret))) this.secretOutsideHeaders++;
		if (request.path === '/enterprise/control/agent.php') return this.agent(request);
		if (request.path === '/enterprise/rsession_init.php' && request.method === 'GET') return this.sessionInit(request);
		return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>' };
	}

	private agent(request: SandboxRequest): SandboxResponse {
		const contentType = String(request.headers['content-type'] ?? '');
		// Assumed wordings for the packet checks.
		if (request.method !== 'POST' || !/^text\/xml\b/i.test(contentType)) return systemError(1014, 'Parser error: Request is not a text/xml HTTP POST');
		const root = readPacket(request.rawBody);
		if (!root || root.name !== 'packet') return systemError(1014, 'Parser error: Cannot parse the XML from the request');
		const version = root.attributes.version;
		if (version !== undefined && !this.versions.test(version)) return systemError(1005, 'Unsupported protocol version');

		const header = (name: string) => {
			const value = request.headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		let caller: string;
		let auth: PleskCall['auth'];
		const key = header('key');
		if (key !== undefined) {
			const address = normalizeAddress(request.remoteAddress);
			// Assumed wording.
			if (!Object.hasOwn(KEY_ADDRESSES, key) || !KEY_ADDRESSES[key].includes(address)) return systemError(11003, 'Secret key validation failed');
			caller = PLESK_ADMIN.login;
			auth = 'key';
		} else {
			const login = header('http_auth_login') ?? '';
			const password = header('http_auth_passwd') ?? '';
			// Assumed wording.
			if (!Object.hasOwn(PASSWORDS, login) || PASSWORDS[login] !== password) return systemError(1001, 'Authentication failed - wrong password.');
			caller = login;
			auth = 'password';
		}

		const operators = root.children;
		if (operators.length === 0) return systemError(1014, 'Parser error: Request is invalid. The packet holds no operator.');
		const answers: string[] = [];
		for (const operator of operators) {
			const operations = operator.children;
			if (operations.length === 0) return systemError(1014, `Parser error: Request is invalid. Element '${operator.name}' holds no operation.`);
			const parts: string[] = [];
			for (const operation of operations) {
				const name = `${operator.name}/${operation.name}`;
				const call: PleskCall = { operation: name, caller, auth, contentType };
				if (name === 'server/create_session') {
					const answer = this.createSession(operation, caller, call);
					if (typeof answer !== 'string') return answer;
					this.calls.push(call);
					parts.push(`<create_session>${answer}</create_session>`);
				} else if (name === 'customer/get') {
					const answer = this.customerGet(operation, caller);
					if (typeof answer !== 'string') return answer;
					this.calls.push(call);
					parts.push(`<get>${answer}</get>`);
				} else {
					return systemError(1014, `Parser error: Request is invalid. Error in line 1: Element '${operation.name}': This element is not expected.`);
				}
			}
			answers.push(`<${operator.name}>${parts.join('')}</${operator.name}>`);
		}
		return xml(answers.join(''));
	}

	/** The result of create_session, or a system error for a packet that breaks the schema. */
	private createSession(operation: Element, caller: string, call: PleskCall): string | SandboxResponse {
		const logins = child(operation, 'login');
		const data = child(operation, 'data');
		const ips = child(data[0], 'user_ip');
		const sources = child(data[0], 'source_server');
		// The schema wants one login and one data with one user_ip: anything else (an injected second login) is not a valid packet.
		if (logins.length !== 1 || data.length !== 1 || ips.length !== 1 || sources.length > 1 || logins[0].children.length > 0) {
			return systemError(1014, "Parser error: Request is invalid. Element 'create_session' does not match its schema.");
		}
		const login = logins[0].text;
		call.login = login;
		// Assumed wordings for the values.
		if (login.trim() === '') return resultError(1019, 'Invalid value of login: it is empty');
		const userIp = readUserIp(ips[0].text);
		if (!userIp) return resultError(1019, 'Invalid value of user_ip: it is not an IP address');
		const exists = login === PLESK_ADMIN.login || RESELLERS.has(login) || PLESK_CUSTOMERS.some((customer) => customer.login === login);
		if (!exists) return resultError(1013, 'Object not found.');
		if (!this.mayActFor(caller, login)) return resultError(1006, 'Permission denied.');
		const token = randomBytes(16).toString('hex');
		this.sessions.push({ token, login, userIp, userIpSent: ips[0].text, sourceServer: sources[0]?.text ?? '', caller, used: false });
		return `<result><status>ok</status><id>${token}</id></result>`;
	}

	/** The administrator acts for anyone, a reseller for itself and its customers, a customer for itself. */
	private mayActFor(caller: string, login: string): boolean {
		if (caller === PLESK_ADMIN.login || caller === login) return true;
		return RESELLERS.has(caller) && PLESK_CUSTOMERS.some((customer) => customer.login === login && customer.owner === caller);
	}

	private customerGet(operation: Element, caller: string): string | SandboxResponse {
		const filter = child(operation, 'filter');
		const dataset = child(operation, 'dataset');
		if (filter.length !== 1 || dataset.length !== 1) return systemError(1014, "Parser error: Request is invalid. Element 'get' needs a filter and a dataset.");
		const visible = pleskCustomersOf(caller);
		const genInfo = child(dataset[0], 'gen_info').length > 0;
		const render = (customer: PleskCustomer) =>
			`<result><status>ok</status><id>${customer.id}</id><data>${
				genInfo
					? `<gen_info><cr_date>2024-0${(customer.id % 9) + 1}-1${customer.id % 10}</cr_date><cname>${escape(customer.cname)}</cname><pname>${escape(customer.pname)}</pname><login>${escape(customer.login)}</login><status>${customer.status}</status><phone/><fax/><email>${escape(customer.email)}</email><address/><city/><state/><pcode/><country>SE</country><locale>en-US</locale><password>${escape(customer.password)}</password><password_type>crypt</password_type><guid>${customer.guid}</guid><owner-login>${customer.owner}</owner-login><external-id/><description/></gen_info>`
					: ''
			}</data></result>`;
		const conditions = filter[0].children;
		if (conditions.length === 0) return visible.map(render).join('');
		// One result per condition; a login or id the caller does not see is not found.
		return conditions
			.map((condition) => {
				const found = visible.find((customer) => (condition.name === 'login' ? customer.login === condition.text : condition.name === 'id' && String(customer.id) === condition.text));
				return found ? render(found) : resultError(1013, 'client does not exist', `<${condition.name}>${escape(condition.text)}</${condition.name}>`);
			})
			.join('');
	}

	/**
	 * Plesk's log-in by session token: once, from the address the session was
	 * made for. A browser elsewhere is sent to `source_server` (or refused),
	 * and the token stays unused (assumed: Plesk does not document it).
	 */
	private sessionInit(request: SandboxRequest): SandboxResponse {
		const token = request.query.get('PLESKSESSID') ?? '';
		const session = this.sessions.find((entry) => entry.token === token);
		const page = (status: number, text: string): SandboxResponse => ({ status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${escape(text)}</h1></body></html>` });
		if (!session || session.used) return page(403, 'This session has expired or was already used. Log in to Plesk.');
		const forwarded = request.headers['x-forwarded-for'];
		const opener = normalizeAddress(String(Array.isArray(forwarded) ? forwarded[0] : (forwarded ?? request.remoteAddress)).split(',')[0]);
		if (opener !== session.userIp) {
			if (session.sourceServer) return { status: 302, headers: { location: session.sourceServer }, body: '' };
			return page(403, 'Access denied: this session belongs to another IP address.');
		}
		session.used = true;
		const redirect = request.query.get('success_redirect_url');
		if (redirect) return { status: 302, headers: { location: redirect }, body: '' };
		return page(200, `Logged in to Plesk as ${session.login}`);
	}
}
