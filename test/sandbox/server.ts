import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import path from 'node:path';

import { HostUpSandbox } from './hostup';
import { InstallatronSandbox } from './installatron';
import { MailUpSandbox } from './mailup';
import { CpanelSandbox } from './cpanel';
import { PleskSandbox } from './plesk';
import { DirectAdminSandbox, DirectAdminWebSandbox } from './directAdmin';
import { WhmcsSandbox } from './whmcs';
import { WisecpSandbox } from './wisecp';
import type {
	CapturedRequest,
	FaultSpec,
	LoggedRequest,
	PagingQuirks,
	ProviderSandbox,
	SandboxContext,
	SandboxRequest,
	SandboxResponse,
} from './types';

export interface SandboxOptions {
	port?: number;
	host?: string;
	/** Latency added to every provider answer, in ms. */
	latencyMs?: number;
	/** Port of the HTTPS listener (self-signed certificate, test/sandbox/tls); 0 picks a free one. */
	httpsPort?: number;
}

interface ActiveFault extends FaultSpec {
	remaining: number;
}

export interface RateLimitOptions {
	/**
	 * Send `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
	 * on every answer, accepted ones too, as many APIs do. Default: only on
	 * 429s, as HostUp documents.
	 */
	headersOnEveryAnswer?: boolean;
}

/** Requests to one provider that have arrived and whose answer is not finished yet. */
export interface InFlightCount {
	current: number;
	/** The most there were at once since the sandbox started or was last reset. */
	max: number;
}

/**
 * The provider sandbox: one HTTP server on loopback that behaves like every
 * provider this package knows, each under its own prefix (`/hostup/…`), with
 * switches for faults. Tests drive it in-process; `npm start` and the e2e
 * suite drive it over HTTP through `/__sandbox/…`.
 */
export class Sandbox {
	readonly hostup = new HostUpSandbox();

	readonly installatron = new InstallatronSandbox();

	readonly mailup = new MailUpSandbox();

	readonly wisecp = new WisecpSandbox();

	/** Not providers of this package: SSO APIs for the SSO Link node's Custom provider. */
	readonly whmcs = new WhmcsSandbox();

	readonly cpanel = new CpanelSandbox();

	readonly plesk = new PleskSandbox();

	readonly directAdmin = new DirectAdminSandbox();

	/** The same server's web sites (not DirectAdmin's port): a wrong Base URL. */
	readonly directAdminWeb = new DirectAdminWebSandbox();

	readonly providers: ProviderSandbox[] = [
		this.hostup,
		this.installatron,
		this.mailup,
		this.wisecp,
		this.whmcs,
		this.cpanel,
		this.plesk,
		this.directAdmin,
		this.directAdminWeb,
	];

	readonly requests: LoggedRequest[] = [];

	/**
	 * Every request that reached the second server, another origin (another
	 * port) that `redirect` faults point to: what a client following the
	 * redirect would have handed a stranger. It answers 200 with `{}`.
	 */
	readonly elsewhere: CapturedRequest[] = [];

	latencyMs: number;

	/**
	 * Rate limits by provider prefix: at most `perSecond` accepted requests in
	 * any second; beyond it 429 with `Retry-After: 1` and X-RateLimit-* headers
	 * (on accepted answers too with `headersOnEveryAnswer`).
	 */
	readonly rateLimits = new Map<
		string,
		{ perSecond: number; accepted: number[]; refused: number; headersOnEveryAnswer?: boolean }
	>();

	/**
	 * In-flight requests by provider prefix: counted from the moment a request
	 * arrives until its answer is finished (or its connection closed), whatever
	 * answered it (provider, fault, 429, login redemption).
	 */
	private readonly inFlightByPrefix = new Map<string, InFlightCount>();

	private faults: ActiveFault[] = [];

	private loginTokens = new Map<string, { prefix: string; landing: string }>();

	private readonly sockets = new Set<Socket>();

	private constructor(
		private readonly server: Server,
		private readonly httpsServer: Server,
		private readonly elsewhereServer: Server,
		options: SandboxOptions,
	) {
		this.latencyMs = options.latencyMs ?? 0;
	}

	/** Starts the HTTP listener and, beside it, an HTTPS one with a self-signed certificate. */
	static async start(options: SandboxOptions = {}): Promise<Sandbox> {
		// Beside this file in tests; two levels up when bundled into .cache/ (npm start, bench).
		const tls = [path.join(__dirname, 'tls'), path.join(__dirname, '../test/sandbox/tls')].find((dir) =>
			existsSync(path.join(dir, 'sandbox-key.pem')),
		) as string;
		const server = createServer();
		const httpsServer = createHttpsServer({
			key: readFileSync(path.join(tls, 'sandbox-key.pem')),
			cert: readFileSync(path.join(tls, 'sandbox-cert.pem')),
		});
		const elsewhereServer = createServer();
		const sandbox = new Sandbox(server, httpsServer, elsewhereServer, options);
		const host = options.host ?? '127.0.0.1';
		elsewhereServer.on('request', (req, res) => void sandbox.onElsewhere(req, res));
		elsewhereServer.on('connection', (socket: Socket) => {
			sandbox.sockets.add(socket);
			socket.on('close', () => sandbox.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			elsewhereServer.once('error', reject);
			elsewhereServer.listen(0, host, resolve);
		});
		for (const [listener, port] of [
			[server, options.port ?? 0],
			[httpsServer, options.httpsPort ?? 0],
		] as const) {
			listener.on('request', (req, res) => void sandbox.onRequest(req, res));
			listener.on(listener === server ? 'connection' : 'secureConnection', (socket: Socket) => {
				sandbox.sockets.add(socket);
				socket.on('close', () => sandbox.sockets.delete(socket));
			});
			await new Promise<void>((resolve, reject) => {
				listener.once('error', reject);
				listener.listen(port, host, resolve);
			});
		}
		return sandbox;
	}

	get origin(): string {
		return `http://127.0.0.1:${portOf(this.server)}`;
	}

	/** The HTTPS listener's origin; its certificate is self-signed. */
	get httpsOrigin(): string {
		return `https://127.0.0.1:${portOf(this.httpsServer)}`;
	}

	/** The second server's origin: another port, so another origin to a browser and to n8n. */
	get elsewhereOrigin(): string {
		return `http://127.0.0.1:${portOf(this.elsewhereServer)}`;
	}

	/** The base URL a credential uses for a provider, e.g. `http://127.0.0.1:1234/hostup`. */
	baseUrl(prefix: string, options: { https?: boolean } = {}): string {
		return `${options.https ? this.httpsOrigin : this.origin}/${prefix}`;
	}

	fault(spec: FaultSpec): void {
		this.faults.push({ ...spec, remaining: spec.times ?? 1 });
	}

	/** Switches every fault off, and nothing else (reset() reseeds the providers too). */
	clearFaults(): void {
		this.faults = [];
	}

	limitRate(prefix: string, perSecond: number, options: RateLimitOptions = {}): void {
		this.rateLimits.set(prefix, {
			perSecond,
			accepted: [],
			refused: 0,
			...(options.headersOnEveryAnswer && { headersOnEveryAnswer: true }),
		});
	}

	/** The most requests to a provider that were in flight at once since the start or the last `reset()`. */
	maxInFlight(prefix: string): number {
		return this.inFlightByPrefix.get(prefix)?.max ?? 0;
	}

	/** Requests to a provider in flight right now. */
	currentInFlight(prefix: string): number {
		return this.inFlightByPrefix.get(prefix)?.current ?? 0;
	}

	/**
	 * Forgets faults, rate limits, logged requests and login tokens, and reseeds
	 * every provider. In-flight maxima restart from what is in flight now
	 * (requests still open stay counted until they finish).
	 */
	reset(): void {
		this.faults = [];
		this.rateLimits.clear();
		for (const count of this.inFlightByPrefix.values()) count.max = count.current;
		this.requests.length = 0;
		this.elsewhere.length = 0;
		this.loginTokens.clear();
		this.latencyMs = 0;
		for (const provider of this.providers) provider.reset();
	}

	requestsTo(provider: string): LoggedRequest[] {
		return this.requests.filter((entry) => entry.provider === provider);
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await Promise.all(
			[this.server, this.httpsServer, this.elsewhereServer].map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))),
		);
	}

	private makeContext(secure: boolean): SandboxContext {
		return {
			origin: secure ? this.httpsOrigin : this.origin,
			issueLoginToken: (prefix, landing) => {
				const token = randomBytes(24).toString('base64url');
				this.loginTokens.set(token, { prefix, landing });
				return token;
			},
		};
	}

	private async onElsewhere(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const body = await readBody(req);
		this.elsewhere.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, body });
		send(res, { status: 200, body: {} });
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const [, prefix = '', ...restSegments] = url.pathname.split('/');
		if (this.providers.some((entry) => entry.prefix === prefix)) this.trackInFlight(prefix, res);
		const rawBody = await readBody(req);
		const path = `/${restSegments.join('/')}`;

		if (prefix === '__sandbox') {
			this.control(req.method ?? 'GET', path, rawBody, res);
			return;
		}
		const provider = this.providers.find((entry) => entry.prefix === prefix);
		if (!provider) {
			send(res, { status: 404, body: { error: `no provider at /${prefix}` } });
			return;
		}
		const log: LoggedRequest = {
			provider: prefix,
			method: req.method ?? 'GET',
			path,
			query: Object.fromEntries(url.searchParams),
			// Plesk's XML API reads a login and password (HTTP_AUTH_*) or a secret key (KEY) from headers of their own.
			authenticated: Boolean(req.headers.authorization || req.headers['x-api-key'] || req.headers.apikey || req.headers.http_auth_passwd || req.headers.key),
			status: 0,
			at: Date.now(),
		};
		this.requests.push(log);

		if (restSegments[0] === 'login' && req.method === 'GET') {
			log.status = this.redeemLogin(restSegments[1] ?? '', res);
			return;
		}

		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

		const limit = this.rateLimits.get(prefix);
		if (limit) {
			const now = Date.now();
			limit.accepted = limit.accepted.filter((at) => at > now - 1000);
			if (limit.accepted.length >= limit.perSecond) {
				limit.refused++;
				const response = provider.errorBody(429, 'rate_limit_exceeded', 'Too many requests. Retry after the limit resets.');
				send(res, {
					...response,
					headers: {
						...response.headers,
						'retry-after': '1',
						'x-ratelimit-limit': String(limit.perSecond),
						'x-ratelimit-remaining': '0',
						'x-ratelimit-reset': new Date(limit.accepted[0] + 1000).toISOString(),
					},
				});
				log.status = 429;
				return;
			}
			limit.accepted.push(now);
			if (limit.headersOnEveryAnswer) {
				// Set on the response itself, so whatever answers next (provider or fault) carries them.
				res.setHeader('x-ratelimit-limit', String(limit.perSecond));
				res.setHeader('x-ratelimit-remaining', String(limit.perSecond - limit.accepted.length));
				res.setHeader('x-ratelimit-reset', new Date(limit.accepted[0] + 1000).toISOString());
			}
		}

		const fault = this.takeFault(prefix, log.method, path);
		if (fault) {
			const outcome = this.applyFault(fault, provider, req, res);
			if (outcome !== 'pass') {
				log.status = outcome;
				return;
			}
			// A slow answer on the matched paths only (a customer's server taking 400 ms a login).
			if (fault.fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, (fault.fault as { ms: number }).ms));
		}

		const request: SandboxRequest = {
			method: log.method,
			path,
			query: url.searchParams,
			headers: req.headers,
			body: parseBody(rawBody, req.headers['content-type']),
			rawBody,
			remoteAddress: req.socket.remoteAddress ?? '',
		};
		let response: SandboxResponse;
		try {
			response = await provider.handle(request, this.makeContext('encrypted' in req.socket));
		} catch (error) {
			response = provider.errorBody(500, 'internal_error', `sandbox bug: ${(error as Error).message}`);
		}
		if (fault?.fault.kind === 'reshape') response = reshape(response, fault.fault);
		log.status = response.status;
		send(res, response);
	}

	/** Counts the request in until its answer is finished or its connection is gone ('close' fires for both, once). */
	private trackInFlight(prefix: string, res: ServerResponse): void {
		let count = this.inFlightByPrefix.get(prefix);
		if (!count) {
			count = { current: 0, max: 0 };
			this.inFlightByPrefix.set(prefix, count);
		}
		const counted = count;
		counted.current++;
		counted.max = Math.max(counted.max, counted.current);
		res.once('close', () => {
			counted.current--;
		});
	}

	private takeFault(prefix: string, method: string, path: string): ActiveFault | undefined {
		const fault = this.faults.find(
			(entry) =>
				entry.remaining > 0 &&
				(!entry.provider || entry.provider === prefix) &&
				(!entry.method || entry.method.toUpperCase() === method) &&
				(!entry.path || path.includes(entry.path)),
		);
		if (fault) fault.remaining--;
		return fault;
	}

	private applyFault(
		spec: ActiveFault,
		provider: ProviderSandbox,
		req: IncomingMessage,
		res: ServerResponse,
	): LoggedRequest['status'] | 'pass' {
		const { fault } = spec;
		switch (fault.kind) {
			case 'status': {
				const response = provider.errorBody(fault.status, fault.code ?? `http_${fault.status}`, fault.message ?? 'Injected fault.');
				const body = fault.extra ? { ...(response.body as object), ...fault.extra } : response.body;
				send(res, { ...response, body, headers: { ...response.headers, ...fault.headers } });
				return fault.status;
			}
			case 'rateLimit': {
				const response = provider.errorBody(429, 'rate_limit_exceeded', 'Too many requests. Retry after the limit resets.');
				const headers: Record<string, string> = { ...response.headers, 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0' };
				if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
				if (fault.rateLimitReset !== undefined) headers['x-ratelimit-reset'] = fault.rateLimitReset;
				send(res, { ...response, headers });
				return 429;
			}
			case 'malformedJson':
				send(res, { status: fault.status ?? 200, headers: { 'content-type': 'application/json' }, body: '{"data": [{"id": "acct_' });
				return fault.status ?? 200;
			case 'html':
				send(res, {
					status: fault.status ?? 502,
					headers: { 'content-type': 'text/html' },
					body: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
				});
				return fault.status ?? 502;
			case 'empty':
				send(res, { status: fault.status ?? 200, headers: { 'content-type': 'application/json' }, body: '' });
				return fault.status ?? 200;
			case 'redirect': {
				const status = fault.status ?? 307;
				const location = fault.sameOrigin ? `/${spec.provider ?? 'moved'}/moved${req.url ?? '/'}` : `${this.elsewhereOrigin}${req.url ?? '/'}`;
				send(res, { status, headers: { location, 'content-type': 'text/html' }, body: '<h1>Moved</h1>' });
				return status;
			}
			case 'hang':
				// Never answer; the socket is destroyed when the sandbox closes.
				req.socket.setTimeout(0);
				return 'hang';
			case 'reset':
				req.socket.destroy();
				return 'reset';
			case 'delay':
			case 'reshape':
				return 'pass';
		}
	}

	private redeemLogin(token: string, res: ServerResponse): number {
		const login = this.loginTokens.get(token);
		if (!login) {
			send(res, { status: 410, headers: { 'content-type': 'text/html' }, body: '<h1>This login link has expired or was already used.</h1>' });
			return 410;
		}
		this.loginTokens.delete(token);
		send(res, {
			status: 200,
			headers: { 'content-type': 'text/html' },
			body: `<h1>Logged in</h1><p>You are now logged in to the ${escapeHtml(login.landing)} (sandbox).</p>`,
		});
		return 200;
	}

	/** `/__sandbox/…`: the same switches over HTTP, for `npm start` and the e2e suite. */
	private control(method: string, path: string, rawBody: string, res: ServerResponse): void {
		if (method === 'POST' && path === '/faults') {
			this.fault(JSON.parse(rawBody) as FaultSpec);
			send(res, { status: 204 });
		} else if (method === 'POST' && path === '/reset') {
			this.reset();
			send(res, { status: 204 });
		} else if (method === 'POST' && path === '/paging') {
			// { provider: 'installatron', pageSizeCap: 7, … }: see PagingQuirks.
			const { provider, ...quirks } = JSON.parse(rawBody) as PagingQuirks & { provider?: string };
			const target = this.providers.find((entry) => entry.prefix === provider);
			if (!target || !('paging' in target)) {
				send(res, { status: 404, body: { error: `no paged listing at /${provider}` } });
				return;
			}
			(target as { paging: PagingQuirks }).paging = quirks;
			send(res, { status: 204 });
		} else if (method === 'GET' && path === '/requests') {
			send(res, { status: 200, body: this.requests });
		} else if (method === 'GET' && path === '/elsewhere') {
			// What reached the second server: the e2e suite checks a redirect handed it no secret.
			send(res, { status: 200, body: this.elsewhere });
		} else if (method === 'GET' && path === '/in-flight') {
			send(res, { status: 200, body: Object.fromEntries(this.inFlightByPrefix) });
		} else if (method === 'GET' && path === '/health') {
			send(res, { status: 200, body: { ok: true, providers: this.providers.map((entry) => entry.prefix) } });
		} else {
			send(res, { status: 404, body: { error: 'unknown sandbox control' } });
		}
	}
}

function portOf(server: Server): number {
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('sandbox is not listening');
	return address.port;
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
	if (raw === '') return undefined;
	if (contentType?.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(raw));
	}
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

function send(res: ServerResponse, response: SandboxResponse): void {
	if (res.destroyed) return;
	const headers: Record<string, string> = { ...response.headers };
	let body = '';
	if (typeof response.body === 'string') {
		body = response.body;
	} else if (response.body !== undefined) {
		body = JSON.stringify(response.body);
		headers['content-type'] ??= 'application/json';
	}
	res.writeHead(response.status, headers);
	res.end(body);
}

/** A success answer in another shape: dot paths removed and set (FaultSpec `reshape`). */
function reshape(response: SandboxResponse, fault: { omit?: string[]; set?: Record<string, unknown> }): SandboxResponse {
	if (response.status < 200 || response.status >= 300 || typeof response.body !== 'object' || response.body === null) return response;
	const body = structuredClone(response.body) as Record<string, unknown>;
	const parentOf = (path: string, create: boolean): [Record<string, unknown> | undefined, string] => {
		const parts = path.split('.');
		const last = parts.pop() as string;
		let current: Record<string, unknown> | undefined = body;
		for (const part of parts) {
			if (create && (typeof current?.[part] !== 'object' || current[part] === null)) current![part] = {};
			const next: unknown = current?.[part];
			current = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
		}
		return [current, last];
	};
	for (const path of fault.omit ?? []) {
		const [parent, key] = parentOf(path, false);
		if (parent) delete parent[key];
	}
	for (const [path, value] of Object.entries(fault.set ?? {})) {
		const [parent, key] = parentOf(path, true);
		parent![key] = value;
	}
	return { ...response, body };
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
