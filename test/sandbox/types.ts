import type { IncomingMessage } from 'node:http';

/** A request as a provider sandbox sees it. */
export interface SandboxRequest {
	method: string;
	/** Path below the provider's prefix, e.g. `/api/v2/shared-hosting`. */
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	/** Parsed JSON or form body, or the raw text. */
	body: unknown;
	rawBody: string;
	/** The address the request came from, as a provider that restricts by address sees it. */
	remoteAddress?: string;
}

export interface SandboxResponse {
	status: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string as it is. */
	body?: unknown;
}

/** One provider's behaviour. Each lives in its own file and is mounted under `/<prefix>`. */
export interface ProviderSandbox {
	prefix: string;
	handle(request: SandboxRequest, context: SandboxContext): SandboxResponse | Promise<SandboxResponse>;
	/** The provider's own error body for a status, used by injected faults (429, 500, …). */
	errorBody(status: number, code: string, message: string): SandboxResponse;
	reset(): void;
}

export interface SandboxContext {
	/** The sandbox's own origin, for login URLs that point back at it. */
	origin: string;
	/** Issues a single-use login token that `GET /<prefix>/login/<token>` redeems. */
	issueLoginToken(prefix: string, landing: string): string;
}

/**
 * A fault a test switches on. It answers the next `times` matching requests
 * instead of the provider.
 */
export interface FaultSpec {
	/** Provider prefix (`hostup`); all providers when absent. */
	provider?: string;
	method?: string;
	/** Substring of the path below the provider prefix. */
	path?: string;
	times?: number;
	fault:
		| {
				kind: 'status';
				status: number;
				code?: string;
				message?: string;
				headers?: Record<string, string>;
				/** Extra fields merged into the provider's error body. */
				extra?: Record<string, unknown>;
		  }
		| { kind: 'rateLimit'; retryAfter?: string; rateLimitReset?: string }
		| { kind: 'malformedJson'; status?: number }
		| { kind: 'html'; status?: number }
		| { kind: 'empty'; status?: number }
		| { kind: 'hang' }
		| { kind: 'reset' }
		| { kind: 'delay'; ms: number }
		| {
				/**
				 * The provider answers as usual (a login link is really minted),
				 * then its JSON body takes another shape: the `omit` dot paths are
				 * removed and the `set` dot paths set. For answers that differ from
				 * the documented ones after the provider has acted.
				 */
				kind: 'reshape';
				omit?: string[];
				set?: Record<string, unknown>;
		  };
}

/**
 * How a provider's listing pages misbehave, for Return All tests. All off by
 * default; each provider sandbox with a paged listing has a `paging` field.
 */
export interface PagingQuirks {
	/** Serve at most this many items a page, whatever page size was asked for (a server-side cap). */
	pageSizeCap?: number;
	/** Answer every page from the first item, as a server that ignores offset, page number or cursor. */
	ignoreOffset?: boolean;
	/** HostUp: every page's `nextCursor` is the first page's. */
	repeatCursor?: boolean;
	/** HostUp: `hasMore: true` with `nextCursor: null` while more remain. */
	hasMoreWithoutCursor?: boolean;
}

export interface LoggedRequest {
	provider: string;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Whether any credential header was present; its value is never logged. */
	authenticated: boolean;
	status: number | 'hang' | 'reset';
	at: number;
}
